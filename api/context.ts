import type { Client } from '@temporalio/client';
import type mongoose from 'mongoose';
import type { PartnerCompany } from '../workflows/domain/partner-companies';
import type { CasePolicy } from '../workflows/policy';
import type { AttachmentStore } from './attachment-store';
import type { ApiMetrics } from './metrics';
import type { PolicySource } from './policy-source';
import type { Logger } from '../telemetry/logger';

/** What the case routes need besides the health checks' Temporal client and store. */
export interface CaseApiContext {
  temporal: Client;
  store: mongoose.Connection;
  taskQueue: string;
  /** The file and environment's policy: the default of every new policy version. */
  policy: CasePolicy;
  /** The rules new cases open under (the active version). */
  policies: PolicySource;
  /** The app's Prometheus registry (GET /metrics). */
  metrics: ApiMetrics;
  /** Deadline for one query or update round trip to the workflow (ms). */
  callTimeoutMs: number;
  /** Where attachments are kept (DATA_DIR/attachments). */
  dataDir: string;
  /** The attachment files' store (ATTACHMENT_STORE: local under dataDir, or GridFS in the case store). */
  attachments: AttachmentStore;
  /** The partner companies (config/partner-companies.ts). */
  companies: readonly PartnerCompany[];
  /** Where what goes wrong behind an answer is logged (the process's logger). */
  logger: Logger;
  /** Under npm start: the supervisor's parts status file (/readyz). */
  partsStatusFile?: string;
}

/** The part of the context a call to Temporal needs. */
export type TemporalCallContext = Pick<CaseApiContext, 'temporal' | 'callTimeoutMs'>;

export function withDeadline<T>(ctx: TemporalCallContext, fn: () => Promise<T>, ms = ctx.callTimeoutMs): Promise<T> {
  return ctx.temporal.connection.withDeadline(Date.now() + ms, fn);
}
