/**
 * Messages and attachments on a case (disputes, issue 8, item 2). Messages are public to the parties or internal to
 * staff; attachments are stored by their sha256 (ctx.attachments: DATA_DIR/attachments, or GridFS in the case store
 * under ATTACHMENT_STORE=gridfs), at most ATTACHMENT_MAX_BYTES, of an
 * allowed content type, and read only by the case's parties and staff: a merchant never reads another merchant's
 * evidence (the case answers 404, as every read of another merchant's case does).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type express from 'express';
import { attachmentModel, caseMessageModel, type AttachmentDocument, type CaseMessageDocument } from '../activities/store/case-thread';
import type { ApiRole } from '../config/api-keys';
import { Attachment, ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES, CaseMessage, PostMessageBody, sha256Hex } from '../workflows/contract';
import { actorOf, type Caller } from './auth';
import { scopedView, STAFF } from './cases';
import { ProblemError } from './problem';
import { CASE_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { caseIdParam } from './schemas';

const THREAD_ROLES: ApiRole[] = [...STAFF, 'merchant', 'customer'];
const isStaff = (caller: Caller) => (STAFF as readonly string[]).includes(caller.role);

/** The raw body parser of the attachment route, mounted before express.json (app.ts). */
export const ATTACHMENT_PATH = '/cases/:id/attachments';

function toMessage(doc: CaseMessageDocument) {
  return { messageId: doc._id, caseId: doc.caseId, at: new Date(doc.at).toISOString(), author: doc.author, visibility: doc.visibility, body: doc.body, attachments: doc.attachments ?? [] };
}

function toAttachment(doc: AttachmentDocument) {
  return { caseId: doc.caseId, sha256: doc.sha256, contentType: doc.contentType, size: doc.size, uri: `attachment://${doc.sha256}`, uploadedBy: doc.uploadedBy, at: new Date(doc.at).toISOString() };
}

const clean = <T extends object>(actor: T) => JSON.parse(JSON.stringify(actor)) as T;

export const CASE_THREAD_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/cases/:id/messages',
    roles: THREAD_ROLES,
    summary: 'Post a message on the case’s thread',
    description: 'public messages are read by the parties and staff; internal ones by staff only (a party cannot post one).',
    params: caseIdParam,
    body: PostMessageBody,
    responses: { 201: json('The message', CaseMessage), ...CASE_RESPONSES, 422: problem('unknown_attachment: an attachment not uploaded to this case') },
    async handle(ctx, { caller, params: { id }, body }, res) {
      await scopedView(ctx, caller, id);
      if (body.visibility === 'internal' && !isStaff(caller)) {
        throw new ProblemError({ status: 403, code: 'internal_for_staff', title: 'Internal messages are for staff', errors: [{ field: 'body.visibility', message: 'a party posts public messages' }] });
      }
      const shas = [...new Set(body.attachments ?? [])];
      if (shas.length) {
        const known = await attachmentModel(ctx.store).countDocuments({ _id: { $in: shas.map((s) => `${id}:${s}`) } });
        if (known !== shas.length) throw new ProblemError({ status: 422, code: 'unknown_attachment', title: 'Unknown attachment', errors: [{ field: 'body.attachments', message: 'upload each attachment to this case first' }] });
      }
      const doc: CaseMessageDocument = { _id: `msg-${crypto.randomUUID()}`, caseId: id, at: new Date(), author: clean(actorOf(caller)), visibility: body.visibility, body: body.body, attachments: shas };
      await caseMessageModel(ctx.store).create(doc);
      res.status(201).json(toMessage(doc));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/cases/:id/messages',
    roles: THREAD_ROLES,
    summary: 'The case’s thread, oldest first (parties read its public messages)',
    params: caseIdParam,
    responses: { 200: json('Messages', z.object({ caseId: z.string(), messages: z.array(CaseMessage) })), ...CASE_RESPONSES },
    async handle(ctx, { caller, params: { id } }, res) {
      await scopedView(ctx, caller, id);
      const filter = isStaff(caller) ? { caseId: id } : { caseId: id, visibility: 'public' as const };
      const docs = await caseMessageModel(ctx.store).find(filter).sort({ at: 1, _id: 1 }).limit(1000).lean();
      res.json({ caseId: id, messages: docs.map((d) => toMessage(d as CaseMessageDocument)) });
    },
  }),
  defineRoute({
    method: 'post',
    path: ATTACHMENT_PATH,
    roles: THREAD_ROLES,
    summary: 'Upload an attachment (the request body is the file)',
    description: `Stored by its sha256 (the same file twice is one attachment); at most ${ATTACHMENT_MAX_BYTES} bytes; Content-Type one of ${ATTACHMENT_TYPES.join(', ')}. Answers its uri for EvidenceRef.`,
    params: caseIdParam,
    rawBody: { contentTypes: ATTACHMENT_TYPES },
    responses: {
      201: json('Stored', Attachment),
      200: json('Already stored on this case', Attachment),
      ...CASE_RESPONSES,
      413: problem('attachment_too_large'),
      415: problem('unsupported_media_type: not an allowed content type'),
    },
    async handle(ctx, { caller, params: { id } }, res, req?: express.Request) {
      const contentType = (req?.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (!(ATTACHMENT_TYPES as readonly string[]).includes(contentType)) {
        throw new ProblemError({ status: 415, code: 'unsupported_media_type', title: 'Unsupported attachment type', detail: `allowed: ${ATTACHMENT_TYPES.join(', ')}`, errors: [{ field: 'header.Content-Type', message: 'not an allowed content type' }] });
      }
      const data = req?.body;
      if (!Buffer.isBuffer(data) || data.length === 0) throw new ProblemError({ status: 400, code: 'validation_failed', title: 'Invalid request', errors: [{ field: 'body', message: 'the file is empty' }] });
      await scopedView(ctx, caller, id);
      const sha = crypto.createHash('sha256').update(data).digest('hex');
      await ctx.attachments.put(sha, data, contentType);
      const model = attachmentModel(ctx.store);
      const existing = await model.findById(`${id}:${sha}`).lean();
      if (existing) {
        res.status(200).json(toAttachment(existing as AttachmentDocument));
        return;
      }
      const doc: AttachmentDocument = { _id: `${id}:${sha}`, caseId: id, sha256: sha, contentType, size: data.length, uploadedBy: clean(actorOf(caller)), at: new Date() };
      await model.create(doc);
      res.status(201).json(toAttachment(doc));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/cases/:id/attachments/:sha256',
    roles: THREAD_ROLES,
    summary: 'Download an attachment of the case',
    params: caseIdParam.extend({ sha256: sha256Hex.openapi({ param: { name: 'sha256', in: 'path' } }) }),
    responses: { 200: { description: 'The file, with its content type' }, ...CASE_RESPONSES },
    async handle(ctx, { caller, params: { id, sha256 } }, res) {
      await scopedView(ctx, caller, id);
      const doc = (await attachmentModel(ctx.store).findById(`${id}:${sha256}`).lean()) as AttachmentDocument | null;
      const file = doc ? await ctx.attachments.get(sha256) : undefined;
      if (!doc || !file) throw new ProblemError({ status: 404, code: 'attachment_not_found', title: 'No such attachment on this case' });
      res.type(doc.contentType).send(file);
    },
  }),
];
