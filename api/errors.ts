import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { ProblemError, type Problem } from './problem';

/** gRPC status codes the Temporal client surfaces. */
const GRPC = { CANCELLED: 1, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, INTERNAL: 13, UNAVAILABLE: 14 } as const;

/**
 * Codes of a call that may succeed when retried: Temporal down or restarting, a busy workflow, a stream the transport
 * dropped. A query sent while the case's worker was being killed answered 500 with one of them (npm run faults).
 */
const TRANSIENT: readonly number[] = [GRPC.CANCELLED, GRPC.DEADLINE_EXCEEDED, GRPC.RESOURCE_EXHAUSTED, GRPC.ABORTED, GRPC.INTERNAL, GRPC.UNAVAILABLE];

export type Where = 'body' | 'query' | 'path' | 'header';

/** Parses with zod or throws a 400 problem naming each failing field. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, where: Where): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw validationProblem([[where, result.error]]);
}

/** One 400 problem naming each failing field of every part that failed (`body.items.0.sku`, `header.Idempotency-Key`). */
export function validationProblem(failures: ReadonlyArray<readonly [Where, z.ZodError]>, more: ReadonlyArray<{ field: string; message: string }> = []): ProblemError {
  const errors: Array<{ field: string; message: string }> = [];
  for (const [where, error] of failures) {
    for (const issue of error.issues) {
      const base = [where, ...issue.path.map(String)];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) errors.push({ field: [...base, key].join('.'), message: 'unknown field' });
      } else {
        errors.push({ field: base.join('.'), message: issue.message });
      }
    }
  }
  for (const issue of more) if (!errors.some((e) => e.field === issue.field && e.message === issue.message)) errors.push(issue);
  const parts = failures.map(([where]) => where).join(' and ');
  return new ProblemError({ status: 400, code: 'validation_failed', title: 'Invalid request', detail: `the ${parts} failed validation`, errors });
}

function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let current: unknown = err;
  while (current && out.length < 8) {
    out.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

function grpcCode(err: unknown): number | undefined {
  for (const e of chain(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && (e instanceof ServiceError || (e as { details?: unknown }).details !== undefined || (e as { metadata?: unknown }).metadata !== undefined)) return code;
  }
  return undefined;
}

export function isWorkflowNotFound(err: unknown): boolean {
  return chain(err).some((e) => e instanceof WorkflowNotFoundError) || grpcCode(err) === GRPC.NOT_FOUND;
}

/**
 * A socket's own errors (Node's `code`): a dependency that dropped or refused the connection. The store driver passes
 * one on unwrapped when the socket fails while a command waits to be written (a read after FerretDB was killed answered
 * 500 twice in CI; in jest's realm Node's errors are not even `instanceof Error`).
 */
const NETWORK_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_SOCKET_CLOSED', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export function isUnavailable(err: unknown): boolean {
  const code = grpcCode(err);
  if (code !== undefined && TRANSIENT.includes(code)) return true;
  return chain(err).some((e) => {
    const systemCode = (e as { code?: unknown }).code;
    if (typeof systemCode === 'string' && NETWORK_ERROR_CODES.has(systemCode)) return true;
    const name = (e as { name?: unknown }).name;
    const message = String((e as { message?: unknown }).message ?? '');
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    // The driver's network errors, the pool it clears when the store drops a connection among them (a read after
    // FerretDB was killed answered 500 once in CI; these two names were not matched then).
    if (typeof name === 'string' && /^(Mongo(ose)?(ServerSelection|Network|NotConnected|Timeout|PoolCleared)|PoolClearedOnNetwork)/.test(name)) return true;
    return /ECONNREFUSED|Failed to connect|connection closed|buffering timed out|Client must be connected|Deadline exceeded|UNAVAILABLE/i.test(message);
  });
}

const UPDATE_CODES: Record<string, Pick<Problem, 'status' | 'title'>> = {
  invalid_transition: { status: 409, title: 'Invalid transition' },
  // The platform is already intervening (or was, at this party's request): a conflict with the case's state.
  already_requested: { status: 409, title: 'Intervention already requested' },
  // A statement waiting for the supervisor, or settled, takes no answers: a conflict with its state.
  statement_not_open: { status: 409, title: 'Statement not open' },
  role_not_allowed: { status: 403, title: 'Role not allowed' },
  forbidden_actor: { status: 403, title: 'Role not allowed' },
  not_your_case: { status: 404, title: 'Case not found' },
};

/** A workflow's refusal (update validator or handler) as a problem; undefined when `err` is something else. */
export function refusalProblem(err: unknown): Problem | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const failure = chain(err).find((e): e is ApplicationFailure => e instanceof ApplicationFailure);
  const code = failure?.type ?? 'command_refused';
  const known = UPDATE_CODES[code];
  if (code === 'not_your_case') return { status: 404, code: 'case_not_found', title: 'Case not found' };
  const { field, caseStatus, possibleWhen } = (failure?.details?.[0] ?? {}) as { field?: unknown; caseStatus?: unknown; possibleWhen?: unknown };
  const detail = failure?.message ?? err.message;
  return {
    status: known?.status ?? 422,
    code,
    title: known?.title ?? 'Refused by a business rule',
    detail,
    ...(typeof field === 'string' && { errors: [{ field: `body.${field}`, message: detail }] }),
    // A command possible at another time: the case's status now, and when the caller's role may send it.
    ...(typeof caseStatus === 'string' && { caseStatus }),
    ...(Array.isArray(possibleWhen) && { possibleWhen: possibleWhen.filter((w): w is string => typeof w === 'string') }),
  };
}

/** Maps anything a handler throws to a problem; never exposes a stack. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  const refusal = refusalProblem(err);
  if (refusal) return refusal;
  if (isWorkflowNotFound(err)) return { status: 404, code: 'case_not_found', title: 'Case not found' };
  if (isUnavailable(err)) return { status: 503, code: 'dependency_unavailable', title: 'Service unavailable', detail: 'Temporal or the case store did not answer; retry later' };
  if (grpcCode(err) === GRPC.FAILED_PRECONDITION) return { status: 409, code: 'case_not_ready', title: 'Case not ready', detail: 'the case cannot answer yet; retry' };
  return { status: 500, code: 'internal_error', title: 'Internal error' };
}
