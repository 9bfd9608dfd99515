import type { Response } from 'express';

/** RFC 9457 problem details; `code` is the machine-readable reason, `errors` the failing fields. */
export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: `https://after-sales.example/problems/${problem.code}`, ...problem });
}
