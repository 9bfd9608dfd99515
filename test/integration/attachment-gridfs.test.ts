/**
 * GridFS attachments against the real embedded store (FerretDB v1 on PostgreSQL, test/support/servers.ts): what the
 * mongodb driver's GridFSBucket needs (its two indexes, a unique one on the chunks; binary chunks; find by filename
 * sorted by upload date; the download by _id) works there, for a file of several chunks, a repeat upload and a miss.
 */
import crypto from 'node:crypto';
import type mongoose from 'mongoose';
import { openStore } from '../../activities/store/connection';
import { GRIDFS_BUCKET, gridFsAttachmentStore } from '../../api/attachment-store';
import { DevMongo, startDevMongo } from '../support/servers';

const sha = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

describe('GridFS attachment store on the embedded store', () => {
  let mongo: DevMongo;
  let conn: mongoose.Connection;
  beforeAll(async () => {
    mongo = await startDevMongo();
    conn = await openStore(mongo.uri);
  });
  afterAll(async () => {
    await conn?.close();
    await mongo?.stop();
  });

  it('stores a multi-chunk file once by its sha256 and reads it back byte for byte', async () => {
    if (!process.env.MONGODB_URI) {
      // The embedded store answers as FerretDB v1.
      const info = await conn.db!.admin().command({ buildInfo: 1 });
      expect(String(info.ferretdbVersion ?? info.ferretdb?.version)).toMatch(/^v?1\./);
    }
    const store = gridFsAttachmentStore(conn);
    // 600 KiB: three GridFS chunks of 255 KiB.
    const big = crypto.randomBytes(600 * 1024);
    const small = Buffer.from('a signed delivery note\n');
    await store.put(sha(big), big, 'application/pdf');
    await store.put(sha(big), big, 'application/pdf');
    await store.put(sha(small), small, 'text/plain');
    expect((await store.get(sha(big)))?.equals(big)).toBe(true);
    expect((await store.get(sha(small)))?.toString()).toBe('a signed delivery note\n');
    expect(await store.get('0'.repeat(64))).toBeUndefined();

    const files = await conn.db!.collection(`${GRIDFS_BUCKET}.files`).find({}).toArray();
    expect(files.map((f) => [f.filename, f.length, f.metadata?.contentType]).sort()).toEqual(
      [
        [sha(big), big.length, 'application/pdf'],
        [sha(small), small.length, 'text/plain'],
      ].sort(),
    );
    expect(await conn.db!.collection(`${GRIDFS_BUCKET}.chunks`).countDocuments({})).toBe(4);
    // The driver created its indexes, the chunks' one unique.
    const chunkIndexes = await conn.db!.collection(`${GRIDFS_BUCKET}.chunks`).listIndexes().toArray();
    expect(chunkIndexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { files_id: 1, n: 1 }, unique: true })]));
    // ... and enforced: a second chunk 0 of the same file is refused as a duplicate key.
    const chunks = conn.db!.collection(`${GRIDFS_BUCKET}.chunks`);
    const first = await chunks.findOne({ n: 0 });
    await expect(chunks.insertOne({ files_id: first!.files_id, n: 0, data: Buffer.from('x') })).rejects.toMatchObject({ code: 11000 });
  });
});
