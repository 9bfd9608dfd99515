/**
 * JSON-over-HTTP for partner adapters. One attempt per call: Temporal's activity retry policy does
 * the retrying, so this module only classifies failures.
 *  - 2xx                           → parsed JSON
 *  - 422 / 409 / other 4xx         → non-retryable ApplicationFailure (business refusal or bad request)
 *  - 5xx, 408, 425, 429            → retryable ApplicationFailure (PartnerUnavailable)
 *  - timeout / network error       → retryable ApplicationFailure (PartnerTimeout / PartnerUnreachable)
 * Every request carries the caller's Idempotency-Key, so a retry after a timeout cannot act twice.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

export const PartnerFailureType = {
  /** 422 refund_refused from payment: amount not refundable. Non-retryable. */
  RefundRefused: 'RefundRefused',
  /** Other 422 business refusal. Non-retryable. */
  PartnerRefused: 'PartnerRefused',
  /** 409 idempotency_key_reused: the key was first used with a different body (a bug in key derivation). Non-retryable. */
  IdempotencyKeyReused: 'IdempotencyKeyReused',
  /** Any other 4xx (bad request, auth, not found, conflict). Non-retryable. */
  PartnerRejected: 'PartnerRejected',
  /** Adapter misuse: missing idempotency key, malformed URL. Non-retryable. */
  InvalidPartnerCall: 'InvalidPartnerCall',
  /** 5xx, 408, 425, 429. Retryable. */
  PartnerUnavailable: 'PartnerUnavailable',
  /** No answer within timeoutMs. Retryable (the request may have been processed: retry with the same key). */
  PartnerTimeout: 'PartnerTimeout',
  /** Connection refused/reset, DNS failure. Retryable. */
  PartnerUnreachable: 'PartnerUnreachable',
  /** 2xx with a body that is not the expected JSON. Retryable (the same key returns the same answer). */
  PartnerBadResponse: 'PartnerBadResponse',
} as const;
export type PartnerFailureType = (typeof PartnerFailureType)[keyof typeof PartnerFailureType];

/** For `RetryPolicy.nonRetryableErrorTypes` (belt and braces: these failures are already flagged non-retryable). */
export const NON_RETRYABLE_PARTNER_FAILURES: readonly PartnerFailureType[] = [
  PartnerFailureType.RefundRefused,
  PartnerFailureType.PartnerRefused,
  PartnerFailureType.IdempotencyKeyReused,
  PartnerFailureType.PartnerRejected,
  PartnerFailureType.InvalidPartnerCall,
];

/** Carried as the failure's first detail. */
export interface PartnerFailureDetails {
  url: string;
  idempotencyKey: string;
  status?: number;
  /** Partner's error code, e.g. 'refund_refused'. */
  code?: string;
  /** Partner's refusal reason, e.g. 'exceeds_refundable_amount'. */
  reason?: string;
}

export const DEFAULT_PARTNER_TIMEOUT_MS = 10_000;

export interface PostJsonOptions {
  idempotencyKey: string;
  /** Per-attempt timeout (default 10 s). Keep it below the activity's startToCloseTimeout. */
  timeoutMs?: number;
  /** Extra abort signal; inside an activity the activity's cancellation signal is added automatically. */
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

export async function postJson<T = unknown>(url: string, body: unknown, options: PostJsonOptions): Promise<T> {
  const { idempotencyKey, timeoutMs = DEFAULT_PARTNER_TIMEOUT_MS, fetchImpl = fetch } = options;
  const details: PartnerFailureDetails = { url, idempotencyKey };
  if (typeof idempotencyKey !== 'string' || idempotencyKey.trim() === '') {
    throw ApplicationFailure.nonRetryable(`partner call to ${url} without an idempotency key`, PartnerFailureType.InvalidPartnerCall, details);
  }
  if (!URL.canParse(url)) {
    throw ApplicationFailure.nonRetryable(`partner URL is not valid: ${url}`, PartnerFailureType.InvalidPartnerCall, details);
  }

  const cancellation = options.signal ?? activityCancellationSignal();
  const signal = cancellation ? AbortSignal.any([AbortSignal.timeout(timeoutMs), cancellation]) : AbortSignal.timeout(timeoutMs);

  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
      signal,
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    text = await response.text();
  } catch (err) {
    if (cancellation?.aborted) throw cancellation.reason; // activity cancelled: let Temporal see the cancellation
    if (isTimeout(err)) {
      throw ApplicationFailure.retryable(
        `no answer from ${url} within ${timeoutMs} ms (it may have been processed; retry with the same idempotency key)`,
        PartnerFailureType.PartnerTimeout,
        details,
      );
    }
    throw ApplicationFailure.retryable(`cannot reach ${url}: ${describe(err)}`, PartnerFailureType.PartnerUnreachable, details);
  }

  const payload = parseJson(text);
  const error = isRecord(payload) ? payload : {};
  const withStatus: PartnerFailureDetails = {
    ...details,
    status,
    ...(typeof error.code === 'string' && { code: error.code }),
    ...(typeof error.reason === 'string' && { reason: error.reason }),
  };
  const what = [withStatus.code, withStatus.reason].filter(Boolean).join(': ') || (typeof error.message === 'string' ? error.message : '');
  const message = `${url} answered ${status}${what ? ` (${what})` : ''}`;

  if (status >= 200 && status < 300) {
    if (payload === undefined) {
      throw ApplicationFailure.retryable(`${url} answered ${status} without a JSON body`, PartnerFailureType.PartnerBadResponse, withStatus);
    }
    return payload as T;
  }
  if (status >= 500 || status === 408 || status === 425 || status === 429) {
    const nextRetryDelay = retryAfterMs(retryAfter);
    throw ApplicationFailure.create({
      message,
      type: PartnerFailureType.PartnerUnavailable,
      nonRetryable: false,
      details: [withStatus],
      ...(nextRetryDelay !== undefined && { nextRetryDelay }),
    });
  }
  if (status === 422) {
    const type = withStatus.code === 'refund_refused' ? PartnerFailureType.RefundRefused : PartnerFailureType.PartnerRefused;
    throw ApplicationFailure.nonRetryable(message, type, withStatus);
  }
  if (status === 409 && withStatus.code === 'idempotency_key_reused') {
    throw ApplicationFailure.nonRetryable(message, PartnerFailureType.IdempotencyKeyReused, withStatus);
  }
  if (status >= 400) throw ApplicationFailure.nonRetryable(message, PartnerFailureType.PartnerRejected, withStatus);
  throw ApplicationFailure.retryable(`${url} answered unexpected status ${status}`, PartnerFailureType.PartnerBadResponse, withStatus);
}

/** Checks that a 2xx answer has the fields the caller relies on; a malformed answer is retryable. */
export function expectFields<T extends object>(url: string, value: unknown, fields: readonly (keyof T & string)[]): T {
  const missing = isRecord(value) ? fields.filter((f) => value[f] === undefined || value[f] === null) : fields;
  if (missing.length > 0) {
    throw ApplicationFailure.retryable(`${url} answered without ${missing.join(', ')}`, PartnerFailureType.PartnerBadResponse, { url });
  }
  return value as T;
}

/** Settings every partner adapter factory takes. */
export interface PartnerAdapterDeps {
  /** Base URL of the partner, e.g. http://127.0.0.1:4100/payment (no trailing slash needed). */
  baseUrl: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export type PartnerPost = <T extends object>(
  path: string,
  idempotencyKey: string,
  body: unknown,
  requiredFields: readonly (keyof T & string)[],
) => Promise<T>;

/** `post(path, key, body, requiredFields)` bound to one partner's base URL. */
export function partnerPoster(deps: PartnerAdapterDeps): PartnerPost {
  const base = deps.baseUrl.replace(/\/+$/, '');
  return async <T extends object>(path: string, idempotencyKey: string, body: unknown, requiredFields: readonly (keyof T & string)[]) => {
    const url = `${base}${path}`;
    const answer = await postJson(url, body, { idempotencyKey, timeoutMs: deps.timeoutMs, fetchImpl: deps.fetchImpl });
    return expectFields<T>(url, answer, requiredFields);
  };
}

function activityCancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // not running inside an activity (scripts, tests)
  }
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'TimeoutError' || (name === 'AbortError' && (err as { cause?: { name?: string } }).cause?.name === 'TimeoutError');
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : undefined;
  return causeText ? `${err.message} (${causeText})` : err.message;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
