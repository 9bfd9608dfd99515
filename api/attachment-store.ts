/**
 * Where attachment files are kept, addressed by their sha256 (ATTACHMENT_STORE, config/env.ts): `local` (the default)
 * under DATA_DIR/attachments, or `gridfs` in the case store itself (the mongodb driver's GridFSBucket on the store's
 * connection, bucket `case_attachment_files`, one file per sha256 named by it). The records that scope a file to a case
 * (case_attachments) and the size limit and type allow-list are the API's, whichever store keeps the bytes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { AttachmentStoreKind } from '../config/env';

export interface AttachmentStore {
  readonly kind: AttachmentStoreKind;
  /** Stores the file under its sha256 unless it is there already. */
  put(sha256: string, data: Buffer, contentType: string): Promise<void>;
  /** The file, or undefined when the store has none under that sha256. */
  get(sha256: string): Promise<Buffer | undefined>;
}

export function localAttachmentStore(dataDir: string): AttachmentStore {
  const fileOf = (sha: string) => path.join(dataDir, 'attachments', sha.slice(0, 2), sha);
  return {
    kind: 'local',
    async put(sha, data) {
      const file = fileOf(sha);
      if (fs.existsSync(file)) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, file);
    },
    async get(sha) {
      const file = fileOf(sha);
      return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    },
  };
}

export const GRIDFS_BUCKET = 'case_attachment_files';

/**
 * GridFS on the case store's connection. A file is written once per sha256 (looked up by filename first); two uploads of
 * the same new file at once may both write it: the reader takes the oldest complete one (same bytes either way).
 */
export function gridFsAttachmentStore(conn: mongoose.Connection, bucketName = GRIDFS_BUCKET): AttachmentStore {
  const bucket = () => {
    if (!conn.db) throw new Error('the case store is not connected');
    return new mongoose.mongo.GridFSBucket(conn.db, { bucketName });
  };
  const stored = async (sha: string) => (await bucket().find({ filename: sha }).sort({ uploadDate: 1 }).limit(1).toArray())[0];
  return {
    kind: 'gridfs',
    async put(sha, data, contentType) {
      if (await stored(sha)) return;
      await new Promise<void>((resolve, reject) => {
        const upload = bucket().openUploadStream(sha, { metadata: { contentType, sha256: sha } });
        upload.once('error', reject).once('finish', () => resolve());
        upload.end(data);
      });
    },
    async get(sha) {
      const file = await stored(sha);
      if (!file) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of bucket().openDownloadStream(file._id)) chunks.push(chunk as Buffer);
      const data = Buffer.concat(chunks);
      // Served by content hash: a file that does not hash to its name is not served.
      return crypto.createHash('sha256').update(data).digest('hex') === sha ? data : undefined;
    },
  };
}

export function attachmentStoreFor(kind: AttachmentStoreKind, deps: { dataDir: string; store: mongoose.Connection }): AttachmentStore {
  return kind === 'gridfs' ? gridFsAttachmentStore(deps.store) : localAttachmentStore(deps.dataDir);
}
