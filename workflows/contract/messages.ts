/**
 * The negotiation thread of a case and its attachments (disputes, issue 8): messages public to the parties or internal
 * to staff, and files stored by the system, addressed by their content hash.
 */
import { z } from 'zod';
import { Actor, text } from './common';

export const MESSAGE_VISIBILITY = ['public', 'internal'] as const;
/** The content types an attachment may have. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf', 'video/mp4', 'text/plain'] as const;
/** The most an attachment may weigh (10 MiB). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex');

export const PostMessageBody = z
  .strictObject({
    body: text(4000),
    visibility: z.enum(MESSAGE_VISIBILITY).default('public').openapi({ description: 'public: the parties and staff read it; internal: staff only' }),
    attachments: z.array(sha256Hex).max(20).optional().openapi({ description: 'Attachments of this case (their sha256), uploaded first' }),
  })
  .openapi('PostMessageBody', { example: { body: 'Photos of the seam attached.', visibility: 'public' } });

export const CaseMessage = z
  .object({
    messageId: z.string(),
    caseId: z.string(),
    at: z.iso.datetime(),
    author: Actor,
    visibility: z.enum(MESSAGE_VISIBILITY),
    body: z.string(),
    attachments: z.array(z.string()),
  })
  .openapi('CaseMessage');

export const Attachment = z
  .object({
    caseId: z.string(),
    sha256: z.string(),
    contentType: z.enum(ATTACHMENT_TYPES),
    size: z.int(),
    uri: z.string().openapi({ description: 'attachment://<sha256>: use it as an EvidenceRef uri in commands' }),
    uploadedBy: Actor,
    at: z.iso.datetime(),
  })
  .openapi('Attachment');
