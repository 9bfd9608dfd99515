/** The building blocks of the contract: identifiers, texts, amounts, instants, parties and evidence. */
import { z } from 'zod';
import './openapi-zod';

export const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'letters, digits and . _ : @ - only, at most 128 characters');
/** Not blank: the pattern says in the OpenAPI document what trim + min(1) check (JS trims what \s matches). */
const notBlank = /[^\s\uFEFF]/;
export const text = (max: number) => z.string().trim().min(1).max(max).regex(notBlank);
export const cents = z.int().min(0).max(1_000_000_000_00);
export const epochMs = z.int().min(0).max(8_640_000_000_000_000).openapi({ description: 'Epoch milliseconds', example: 1_793_520_000_000 });

/** Parties that can owe the next action, be escalated to, or carry a liability. */
export const PARTIES = ['customer', 'agent', 'senior_agent', 'cs_lead', 'merchant', 'platform', 'courier', 'warehouse', 'safety_owner', 'payment', 'repair_provider'] as const;
/** Who may act on a case. `system` is the workflow itself acting on a deadline. */
export const ROLES = ['customer', 'agent', 'senior_agent', 'merchant', 'supervisor', 'courier', 'warehouse', 'payment', 'admin', 'system', 'repair_provider'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export const Actor = z.object({ id: z.string(), role: z.enum(ROLES), merchantId: z.string().optional().openapi({ description: 'Set for merchants: the merchant they act for' }), companyId: z.string().optional().openapi({ description: 'Set for partner companies (courier, warehouse, repair provider): the company they act for' }) }).openapi('Actor');

export const EvidenceRef = z
  .strictObject({
    kind: z.enum(['photo', 'video', 'document', 'chat_log', 'tracking', 'weight_record', 'other']),
    uri: z.string().trim().min(1).max(2048).regex(notBlank),
    note: text(1000).optional(),
  })
  .openapi('EvidenceRef', { example: { kind: 'photo', uri: 'https://files.example/p/123.jpg' } });

export const evidence = z.array(EvidenceRef).max(50);
