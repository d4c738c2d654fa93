import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface StoredMedia {
  /** The name it is stored under (a file in DATA_DIR/media, or a GridFS file name). */
  file: string;
  contentType: string;
  /** Unguessable: the only handle a media URL carries. */
  token: string;
}

/**
 * Photos people send with reports, looked up by token. Files under DATA_DIR/media with the embedded
 * store; a GridFS bucket with MongoDB (gridfs-media-store.ts), which every hub instance reads.
 */
export interface MediaStore {
  save(data: Buffer, hint: { messageId: string }): Promise<StoredMedia>;
  read(token: string): Promise<{ data: Buffer; contentType: string } | null>;
  /** Deletes a file for good (a PDPA erasure); false when there was none. */
  remove(token: string): Promise<boolean>;
}

/** Tokens are 16 random bytes in hex; anything else is not ours and is not looked up. */
export const MEDIA_TOKEN = /^[0-9a-f]{32}$/;

export function newMediaToken(): string {
  return randomBytes(16).toString('hex');
}

/**
 * What LINE's content API gives for the messages the hub keeps: photos (JPEG, PNG), videos (MP4)
 * and voice messages (M4A, an MP4 with the audio brand). Served back with their own type, so the
 * officers' LINE plays a forwarded video or voice message (LINE wants mp4 and m4a there).
 */
export function sniffContentType(data: Buffer): { contentType: string; ext: string } {
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { contentType: 'image/png', ext: 'png' };
  if (data[0] === 0xff && data[1] === 0xd8) return { contentType: 'image/jpeg', ext: 'jpg' };
  // ISO base media file: a box size, then "ftyp" and the major brand.
  if (data.length >= 12 && data.toString('latin1', 4, 8) === 'ftyp') {
    const brand = data.toString('latin1', 8, 12);
    return brand === 'M4A ' || brand === 'M4B '
      ? { contentType: 'audio/mp4', ext: 'm4a' }
      : { contentType: 'video/mp4', ext: 'mp4' };
  }
  return { contentType: 'application/octet-stream', ext: 'bin' };
}

/**
 * Each photo is one file named by its token, so a request opens that one file: nothing lists the
 * folder per request (a folder of 20,000 photos cost 17-24 ms a request that way, review D14).
 * Files written before were named `<token>-<messageId>.<ext>`; they stay readable through an index
 * of those names built by listing the folder once, the first time a token is not found by name.
 */
export class FileMediaStore implements MediaStore {
  private legacy?: Promise<Map<string, string>>;

  constructor(private readonly dir: string) {}

  async save(data: Buffer, _hint: { messageId: string }): Promise<StoredMedia> {
    const { contentType } = sniffContentType(data);
    const token = newMediaToken();
    await fs.mkdir(this.dir, { recursive: true });
    await fs.writeFile(path.join(this.dir, token), data);
    return { file: token, contentType, token };
  }

  async read(token: string): Promise<{ data: Buffer; contentType: string } | null> {
    if (!MEDIA_TOKEN.test(token)) return null;
    const data =
      (await readIfThere(path.join(this.dir, token))) ??
      (await this.legacyName(token).then((name) => (name ? readIfThere(path.join(this.dir, name)) : null)));
    return data ? { data, contentType: sniffContentType(data).contentType } : null;
  }

  async remove(token: string): Promise<boolean> {
    if (!MEDIA_TOKEN.test(token)) return false;
    const legacy = await this.legacyName(token);
    if (legacy) (await this.legacy!).delete(token);
    const named = await removeIfThere(path.join(this.dir, token));
    return (legacy ? await removeIfThere(path.join(this.dir, legacy)) : false) || named;
  }

  private async legacyName(token: string): Promise<string | undefined> {
    this.legacy ??= fs.readdir(this.dir).then(
      (names) => new Map(names.filter((n) => /^[0-9a-f]{32}-/.test(n)).map((n) => [n.slice(0, 32), n])),
      () => new Map(),
    );
    return (await this.legacy).get(token);
  }
}

async function readIfThere(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function removeIfThere(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** For tests: the same contract, in memory. */
export class MemoryMediaStore implements MediaStore {
  readonly files = new Map<string, { data: Buffer; contentType: string; file: string }>();
  async save(data: Buffer, hint: { messageId: string }): Promise<StoredMedia> {
    const { contentType, ext } = sniffContentType(data);
    const token = newMediaToken();
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
