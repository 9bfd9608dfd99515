/** Feedback and complaints (投诉反馈): registered, answered, investigated and resolved within their deadlines. */
import { z } from 'zod';
import { commandBase, optionalAmount } from '../../contract/command-base';
import { epochMs, PARTIES, PRIORITIES, id, text } from '../../contract/common';
import { policyKey } from '../../policy/policy-key';
import { hours, LIMIT } from '../../policy/limits';
import { defineKind } from '../kind';

export const feedbackKind = defineKind({
  kind: 'feedback',
  details: z.strictObject({
    kind: z.literal('feedback'),
    feedbackType: z.enum(['product_quality', 'logistics', 'after_sales_service', 'platform_rules']),
    desiredResolution: text(2000).optional(),
    occurredAt: epochMs.optional(),
    place: text(500).optional(),
    impact: text(2000).optional(),
  }),
  statuses: ['submitted', 'registered', 'investigating', 'investigated', 'awaiting_approval', 'approved', 'awaiting_confirmation', 'closed'],
  facts: {
    late: z.boolean().optional().openapi({ description: 'A feedback ticket registered after its 30 minutes' }),
    solution: z.string().optional(),
    solutionProposedBy: z.string().optional(),
    solutionAmountCents: z.int().optional(),
  },
  commands: {
    register: z.strictObject({ ...commandBase, priority: z.enum(PRIORITIES), ticketNumber: id.optional() }),
    respond: z.strictObject({ ...commandBase, message: text(4000) }),
    record_investigation: z.strictObject({ ...commandBase, findings: text(4000), responsibleParty: z.enum(PARTIES).optional() }),
    propose_solution: z.strictObject({ ...commandBase, solution: text(4000), amountCents: optionalAmount }),
    approve_solution: z.strictObject({ ...commandBase }),
    reply_solution: z.strictObject({ ...commandBase, message: text(4000) }),
  },
  policy: {
    registration: policyKey(LIMIT, { description: '登记: ticket number, time, type and priority recorded after receipt; late → alert the CS lead', default: { minutes: 30 } }),
    firstResponse: policyKey(LIMIT, { description: 'First response to ordinary feedback; late → escalate to a senior agent', default: hours(24) }),
    initialInvestigation: policyKey(LIMIT, { description: '初步调查; late → escalate', default: { workingDays: 1 } }),
    solutionReply: policyKey(LIMIT, { description: 'Solution reply after internal approval; late → escalate', default: { workingDays: 2 } }),
  },
  intake: { needsOrder: false },
  reportReason: (details) => details.feedbackType,
});
