/** How partner failures reach the case: business refusals told apart from outages. */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/**
 * The payment partner's refusal of a refund behind an activity failure: 'RefundRefused' (e.g. more than is refundable on
 * the order), or any other business refusal of the call (partnerRefusal), which a person has to look at just the same.
 */
export function refundRefusal(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === 'RefundRefused') return cause;
  return partnerRefusal(err);
}

/** The partner's business refusal (the call was understood and declined) behind an activity failure, if that is what it is. */
export function partnerRefusal(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && (cause.type === 'PartnerRejected' || cause.type === 'PartnerRefused') ? cause : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
