/** Who may act on a case. `system` is the workflow itself acting on a deadline. */
export const ROLES = ['customer', 'agent', 'senior_agent', 'merchant', 'supervisor', 'courier', 'warehouse', 'payment', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  id: string;
  role: Role;
  /** Set for merchants: the merchant they act for. */
  merchantId?: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'case-workflow', role: 'system' };

/** Parties that can owe the next action or carry a liability. */
export type Party = 'customer' | 'agent' | 'senior_agent' | 'cs_lead' | 'merchant' | 'platform' | 'courier' | 'warehouse' | 'safety_owner' | 'payment';

/** A reference to evidence held elsewhere (photo, video, chat log, tracking record). */
export interface EvidenceRef {
  kind: 'photo' | 'video' | 'document' | 'chat_log' | 'tracking' | 'weight_record' | 'other';
  uri: string;
  note?: string;
}
