// Report photos by token: on disk (embedded store) and in a GridFS bucket (MongoDB, over the wire
// double), each read by its own key; old files named `<token>-<messageId>.<ext>` stay readable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { GridFsMediaStore } from '../../src/media/gridfs-media-store';
import { FileMediaStore, type MediaStore } from '../../src/media/media-store';
import { MongoStore } from '../../src/store/mongo/mongo-store';
import { FakeMongoWire } from '../support/fake-mongo-wire';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2000)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(700_000)]);

/** The photo read back, byte for byte (jest's toEqual walks a 700 kB buffer element by element). */
function expectPhoto(got: { data: Buffer; contentType: string } | null, data: Buffer, contentType: string): void {
  expect(got?.contentType).toBe(contentType);
  expect(got !== null && got.data.equals(data)).toBe(true);
}

async function expectRoundTrip(store: MediaStore, reader: MediaStore = store): Promise<void> {
  const jpeg = await store.save(JPEG, { messageId: '534021' });
  const png = await store.save(PNG, { messageId: '534022' });
  expect(jpeg.token).toMatch(/^[0-9a-f]{32}$/);
  expect(jpeg.token).not.toBe(png.token);
  expectPhoto(await reader.read(jpeg.token), JPEG, 'image/jpeg');
  expectPhoto(await reader.read(png.token), PNG, 'image/png');
  expect(await reader.read(randomBytes(16).toString('hex'))).toBeNull();
  expect(await reader.read('../../etc/passwd')).toBeNull();
}

/** A PDPA erasure removes a photo for good: no longer read, by any instance; the other photo stays. */
async function expectRemoval(store: MediaStore, reader: MediaStore = store): Promise<void> {
  const gone = await store.save(JPEG, { messageId: '534031' });
  const kept = await store.save(PNG, { messageId: '534032' });
  expect(await store.remove(gone.token)).toBe(true);
  expect(await reader.read(gone.token)).toBeNull();
  expect(await store.remove(gone.token)).toBe(false);
  expect(await store.remove('../../etc/passwd')).toBe(false);
  expectPhoto(await reader.read(kept.token), PNG, 'image/png');
}

/** An ISO base media file's first box: size, "ftyp", the major brand. */
const isoMedia = (brand: string) =>
  Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from(`ftyp${brand}`, 'latin1'), randomBytes(3000)]);

describe('what a stored file is served as', () => {
  it.each([
    ['a JPEG photo', 'image/jpeg', JPEG],
    ['a PNG photo', 'image/png', PNG],
    ['an MP4 video (brand isom)', 'video/mp4', isoMedia('isom')],
    ['an MP4 video (brand mp42)', 'video/mp4', isoMedia('mp42')],
    ['a LINE voice message (M4A)', 'audio/mp4', isoMedia('M4A ')],
    ['anything else', 'application/octet-stream', randomBytes(100).fill(0x41, 0, 12)],
    ['a file too short to tell', 'application/octet-stream', Buffer.from('ftyp')],
  ])('when %s is saved, then it is read back with type %s', async (_what, contentType, data) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-media-'));
    try {
      const store = new FileMediaStore(dir);
      const saved = await store.save(data, { messageId: '1' });
      expect(saved.contentType).toBe(contentType);
      expectPhoto(await store.read(saved.token), data, contentType);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('photos on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssz-media-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when photos are saved, then each is read back by its token, as a file named by it', async () => {
    const store = new FileMediaStore(dir);
    await expectRoundTrip(store);
    const saved = await store.save(JPEG, { messageId: '1' });
    expect(fs.readFileSync(path.join(dir, saved.token)).equals(JPEG)).toBe(true);
  });

  it('when a photo is removed, then it is gone from the folder (also under the name of an earlier version)', async () => {
    await expectRemoval(new FileMediaStore(dir));
    // A photo an earlier version saved, there before this process started.
    const old = randomBytes(16).toString('hex');
    fs.writeFileSync(path.join(dir, `${old}-500124.jpg`), JPEG);
    const store = new FileMediaStore(dir);
    expect(await store.remove(old)).toBe(true);
    expect(fs.existsSync(path.join(dir, `${old}-500124.jpg`))).toBe(false);
    expect(await store.read(old)).toBeNull();
  });

  it('when the folder holds photos of an earlier version, then they are still served, and the folder is listed once, not per request', async () => {
    const old = randomBytes(16).toString('hex');
    fs.writeFileSync(path.join(dir, `${old}-500123.jpg`), JPEG);
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, `${randomBytes(16).toString('hex')}-5${i}.jpg`), '');
    const store = new FileMediaStore(dir);
    const listing = jest.spyOn(fs.promises, 'readdir');
    try {
      const fresh = await store.save(PNG, { messageId: '2' });
      for (let i = 0; i < 5; i++) {
        expectPhoto(await store.read(old), JPEG, 'image/jpeg');
        expectPhoto(await store.read(fresh.token), PNG, 'image/png');
        expect(await store.read(randomBytes(16).toString('hex'))).toBeNull();
      }
      expect(listing).toHaveBeenCalledTimes(1);
    } finally {
      listing.mockRestore();
    }
  });
});

describe('photos in GridFS (MongoDB wire double)', () => {
  const double = new FakeMongoWire();
  beforeAll(() => double.start());
  afterAll(() => double.stop());

  it('when one hub instance saves photos, then another instance on the same database reads them by token', async () => {
    const db = `ssz_media_${randomBytes(4).toString('hex')}`;
    const [a, b] = await Promise.all([MongoStore.connect(double.uri(db)), MongoStore.connect(double.uri(db))]);
    try {
      await expectRoundTrip(
        new GridFsMediaStore(a.gridFsBucket('media')),
        new GridFsMediaStore(b.gridFsBucket('media')),
      );
      const files = double.stored(db, 'media.files');
      expect(files).toHaveLength(2);
      expect(files.map((f) => (f.metadata as { messageId: string }).messageId).sort()).toEqual(['534021', '534022']);
      // The 700 kB photo is in 255 kB chunks; lookups go by the file-name index the driver declares.
      expect(double.stored(db, 'media.chunks')).toHaveLength(1 + 3);
      expect(double.indexes(db, 'media.files').map((i) => i.key)).toContainEqual({ filename: 1, uploadDate: 1 });
    } finally {
      await a.dropDatabase();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('when a photo is removed on one instance, then no instance reads it, and its chunks are gone', async () => {
    const db = `ssz_media_${randomBytes(4).toString('hex')}`;
    const [a, b] = await Promise.all([MongoStore.connect(double.uri(db)), MongoStore.connect(double.uri(db))]);
    try {
      await expectRemoval(new GridFsMediaStore(a.gridFsBucket('media')), new GridFsMediaStore(b.gridFsBucket('media')));
      expect(double.stored(db, 'media.files')).toHaveLength(1);
      expect(double.stored(db, 'media.chunks')).toHaveLength(3);
    } finally {
      await a.dropDatabase();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
