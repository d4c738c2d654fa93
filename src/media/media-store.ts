import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface StoredMedia {
  file: string;
  contentType: string;
  /** Unguessable: the only handle a media URL carries. */
  token: string;
}

/** Photos people send with reports. Files under DATA_DIR/media (a GridFS bucket would be the mongo twin). */
export interface MediaStore {
  save(data: Buffer, hint: { messageId: string }): Promise<StoredMedia>;
  read(token: string): Promise<{ data: Buffer; contentType: string } | null>;
  /** Deletes a file for good (a PDPA erasure); false when there was none. */
  remove(token: string): Promise<boolean>;
}

function sniffContentType(data: Buffer): { contentType: string; ext: string } {
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { contentType: 'image/png', ext: 'png' };
  if (data[0] === 0xff && data[1] === 0xd8) return { contentType: 'image/jpeg', ext: 'jpg' };
  return { contentType: 'application/octet-stream', ext: 'bin' };
}

export class FileMediaStore implements MediaStore {
  constructor(private readonly dir: string) {}

  async save(data: Buffer, hint: { messageId: string }): Promise<StoredMedia> {
    const { contentType, ext } = sniffContentType(data);
    const token = randomBytes(16).toString('hex');
    const file = `${token}-${hint.messageId.replace(/\W/g, '')}.${ext}`;
    await fs.mkdir(this.dir, { recursive: true });
    await fs.writeFile(path.join(this.dir, file), data);
    return { file, contentType, token };
  }

  async read(token: string): Promise<{ data: Buffer; contentType: string } | null> {
    if (!/^[0-9a-f]{32}$/.test(token)) return null;
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const name = names.find((n) => n.startsWith(`${token}-`));
    if (!name) return null;
    const data = await fs.readFile(path.join(this.dir, name));
    return { data, contentType: sniffContentType(data).contentType };
  }

  async remove(token: string): Promise<boolean> {
    if (!/^[0-9a-f]{32}$/.test(token)) return false;
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const mine = names.filter((n) => n === token || n.startsWith(`${token}-`));
    for (const name of mine) await fs.rm(path.join(this.dir, name), { force: true });
    return mine.length > 0;
  }
}

/** For tests: the same contract, in memory. */
export class MemoryMediaStore implements MediaStore {
  readonly files = new Map<string, { data: Buffer; contentType: string; file: string }>();
  async save(data: Buffer, hint: { messageId: string }): Promise<StoredMedia> {
    const { contentType, ext } = sniffContentType(data);
    const token = randomBytes(16).toString('hex');
    const file = `${token}-${hint.messageId}.${ext}`;
    this.files.set(token, { data, contentType, file });
    return { file, contentType, token };
  }
  async read(token: string) {
    const f = this.files.get(token);
    return f ? { data: f.data, contentType: f.contentType } : null;
  }
  async remove(token: string) {
    return this.files.delete(token);
  }
}
