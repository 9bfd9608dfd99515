/** Who takes part in a case; the shapes are declared in the contract (workflows/contract/common.ts). */
import type { z } from 'zod';
import type { Actor as ActorSchema, EvidenceRef as EvidenceRefSchema, PARTIES } from '../contract/common';

export { ROLES } from '../contract/common';
export type Role = z.infer<typeof ActorSchema>['role'];

export type Actor = z.infer<typeof ActorSchema>;

export const SYSTEM_ACTOR: Actor = { id: 'case-workflow', role: 'system' };

/** Parties that can owe the next action or carry a liability. */
export type Party = (typeof PARTIES)[number];

/** A reference to evidence held elsewhere (photo, video, chat log, tracking record). */
export type EvidenceRef = z.infer<typeof EvidenceRefSchema>;
