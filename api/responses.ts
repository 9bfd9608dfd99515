/** The answers routes document: JSON bodies, problem+json refusals, and those every keyed route can give. */
import { z } from 'zod';
import { ProblemDoc } from './schemas';

export const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemDoc } } });
export const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

export const COMMON_RESPONSES = {
  400: problem('Invalid path, query, header or body (the failing fields are listed)'),
  401: problem('No or unknown API key'),
  403: problem('The role may not use this route or take this action'),
  503: problem('Not accepted: Temporal or the case store is unreachable, nothing was done; retry (a create or command with the same Idempotency-Key). Work Temporal took but did not answer in time is 202'),
};

export const CASE_RESPONSES = { ...COMMON_RESPONSES, 404: problem('Unknown case, or another merchant’s case') };
