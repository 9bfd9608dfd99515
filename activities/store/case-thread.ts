/**
 * A case's negotiation thread and attachment records (the files themselves are on disk, api/case-thread.ts). Each
 * message and each attachment of a case is its own document; an attachment's id is case + content hash, so the same
 * file uploaded twice to a case is one record.
 */
import mongoose, { Schema } from 'mongoose';

export interface CaseMessageDocument {
  _id: string;
  caseId: string;
  at: Date;
  author: { id: string; role: string; merchantId?: string };
  visibility: 'public' | 'internal';
  body: string;
  attachments: string[];
}

export interface AttachmentDocument {
  _id: string;
  caseId: string;
  sha256: string;
  contentType: string;
  size: number;
  uploadedBy: { id: string; role: string; merchantId?: string };
  at: Date;
}

const actor = { id: String, role: String, merchantId: String };

const messageSchema = new Schema<CaseMessageDocument>(
  { _id: String, caseId: { type: String, index: true }, at: Date, author: actor, visibility: String, body: String, attachments: [String] },
  { collection: 'case_messages', versionKey: false },
);
const attachmentSchema = new Schema<AttachmentDocument>(
  { _id: String, caseId: { type: String, index: true }, sha256: String, contentType: String, size: Number, uploadedBy: actor, at: Date },
  { collection: 'case_attachments', versionKey: false },
);

export const caseMessageModel = (conn: mongoose.Connection) => (conn.models.CaseMessage as mongoose.Model<CaseMessageDocument>) ?? conn.model<CaseMessageDocument>('CaseMessage', messageSchema);
export const attachmentModel = (conn: mongoose.Connection) => (conn.models.CaseAttachment as mongoose.Model<AttachmentDocument>) ?? conn.model<AttachmentDocument>('CaseAttachment', attachmentSchema);
