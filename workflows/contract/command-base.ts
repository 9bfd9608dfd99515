/** What every command body may carry: why, and the evidence for it. Kinds build their own commands on it. */
import { cents, evidence, text } from './common';

export const commandReason = text(2000);
export const commandBase = { reason: commandReason.optional(), evidence: evidence.optional() };
export const optionalAmount = cents.optional();
