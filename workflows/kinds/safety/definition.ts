/** A product-safety incident (安全事件): the emergency process starts within 2 hours. */
import { z } from 'zod';
import { commandBase } from '../../contract/command-base';
import { id, text } from '../../contract/common';
import { policyKey } from '../../policy/policy-key';
import { hours, LIMIT } from '../../policy/limits';
import { defineKind } from '../kind';

export const safetyKind = defineKind({
  kind: 'safety',
  details: z.strictObject({ kind: z.literal('safety'), hazard: text(2000), affectedOrderIds: z.array(id).max(1000), relatedCaseIds: z.array(id).max(1000) }),
  statuses: ['submitted', 'awaiting_emergency_start', 'emergency_in_progress', 'closed'],
  facts: {
    emergencyPlan: z.string().optional(),
  },
  commands: {
    start_emergency: z.strictObject({ ...commandBase, plan: text(4000) }),
    link_affected: z.strictObject({ ...commandBase, orderIds: z.array(id).max(1000).optional(), caseIds: z.array(id).max(1000).optional() }),
    resolve_incident: z.strictObject({ ...commandBase, summary: text(4000) }),
  },
  policy: {
    safetyEmergencyStart: policyKey(LIMIT, { description: 'Safety incident: emergency process started; late → page the safety owner, escalate to the platform', default: hours(2) }),
  },
  intake: { needsOrder: false },
  reportReason: () => 'safety_hazard',
});
