import type { mongo } from 'mongoose';
import { MEDIA_TOKEN, newMediaToken, sniffContentType, type MediaStore, type StoredMedia } from './media-store';

/**
 * Report photos in a GridFS bucket of the hub's MongoDB, so that any hub instance serves a photo
 * another one received. A photo is a GridFS file named by its token, found through the driver's
 * index on the file name (never by listing); its content type and LINE message id ride in the file's
 * metadata. Writes inherit the connection's write concern (majority, journal).
 */
export class GridFsMediaStore implements MediaStore {
  constructor(private readonly bucket: mongo.GridFSBucket) {}

  async save(data: Buffer, hint: { messageId: string }): Promise<StoredMedia> {
    const { contentType } = sniffContentType(data);
    const token = newMediaToken();
    await new Promise<void>((resolve, reject) => {
      const upload = this.bucket.openUploadStream(token, { metadata: { contentType, messageId: hint.messageId } });
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(data);
    });
    return { file: token, contentType, token };
  }

  async read(token: string): Promise<{ data: Buffer; contentType: string } | null> {
    if (!MEDIA_TOKEN.test(token)) return null;
    const [file] = await this.bucket.find({ filename: token }, { limit: 1 }).toArray();
    if (!file) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(file._id)) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    const stored = (file.metadata as { contentType?: unknown } | undefined)?.contentType;
    return { data, contentType: typeof stored === 'string' ? stored : sniffContentType(data).contentType };
  }

  async remove(token: string): Promise<boolean> {
    if (!MEDIA_TOKEN.test(token)) return false;
    const files = await this.bucket.find({ filename: token }).toArray();
    for (const file of files) await this.bucket.delete(file._id);
    return files.length > 0;
  }
}
