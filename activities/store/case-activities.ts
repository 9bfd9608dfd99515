import { SpanStatusCode, trace } from '@opentelemetry/api';
import type mongoose from 'mongoose';
import type { CaseView } from '../../workflows/domain/case';
import { summarizeCase } from '../../workflows/domain/case-summary';
import { caseCompanyIds } from '../../workflows/domain/partner-companies';
import type { QualityActivities, StoreActivities, WhatIfActivities } from '../../workflows/case/activities';
import { recordLedgerEntries } from './ledger';
import { DEFAULT_QA_SAMPLE_PERCENT, sampleDay } from './qa-samples';
import { ProjectionWriter, type CaseProjection, type ProjectionWriterOptions } from './projection-writer';
import { toReportFacts } from './reports/report-facts';
import { toClockHistory } from './what-if/clock-history';
import { packClosedHistories, toClockHistoryDocument } from './what-if/history-store';

/** The history length of a version an activity writes: the task that made it has completed, so it is the one recorded. */
export const ACTIVITY_WRITE = Number.MAX_SAFE_INTEGER;

export function toCaseProjection(view: CaseView, historyLength = ACTIVITY_WRITE): CaseProjection {
  const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
  const summary = summarizeCase({ ...view, clocks: view.clocks ?? [], escalations: view.escalations ?? [], audit: view.audit ?? [] });
  const doc = {
    _id: view.caseId,
    caseId: view.caseId,
    version: view.version,
    kind: view.kind,
    status: view.status,
    open: view.closedAt === undefined,
    merchantId: view.order?.merchantId,
    customerId: view.order?.customerId,
    agentId: view.assignedAgentId,
    orderId: view.order?.orderId,
    priority: view.priority,
    openedAt: new Date(view.openedAt),
    lastTransitionAt: new Date(view.lastTransitionAt),
    closedAt: date(view.closedAt),
    nextDeadline: date(summary.nextDeadline),
    nextDeadlineClock: summary.nextDeadlineClock,
    owingParty: summary.owingParty,
    waitingOn: summary.waitingOn,
    openBreaches: summary.openBreaches.map((b) => ({ ...b, deadline: new Date(b.deadline), breachedAt: new Date(b.breachedAt) })),
    openClocks: summary.openClocks,
    escalated: view.escalated,
    escalatedTo: summary.escalatedTo,
    breached: view.breached,
    refundBlocked: view.facts?.refundBlocked === true,
    disputePhase: view.status === 'in_dispute' ? view.dispute?.phase : undefined,
    companies: caseCompanyIds(view),
  };
  // A replacement document holds no undefined fields: a value the case no longer has is simply absent.
  const summaryDoc = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as unknown as CaseProjection['summary'];
  return { historyLength, summary: summaryDoc, view: { _id: view.caseId, version: view.version, view: view as unknown as Record<string, unknown> }, reportFacts: toReportFacts(view), clockHistory: toClockHistoryDocument(toClockHistory(view, summary.escalatedTo)) };
}

const tracer = trace.getTracer('case-store');

export function createStoreActivities(store: mongoose.Connection, options?: ProjectionWriterOptions & { qaSamplePercent?: number }): StoreActivities & QualityActivities & WhatIfActivities {
  const writer = new ProjectionWriter(store, options);
  return {
    projectCase: (view, historyLength) =>
      // A span of the case's trace: the write (coalesced with others' by the writer) and the ledger entries.
      tracer.startActiveSpan('case-store write', { attributes: { 'case.id': view.caseId, 'case.version': view.version } }, async (span) => {
        try {
          const outcome = await writer.save(toCaseProjection(view, historyLength));
          await recordLedgerEntries(store, view);
          span.setAttribute('case.projection', outcome);
          return outcome;
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
          throw err;
        } finally {
          span.end();
        }
      }),
    sampleClosedCases: ({ day }) => sampleDay(store, day, options?.qaSamplePercent ?? DEFAULT_QA_SAMPLE_PERCENT),
    packClosedClockHistories: () => packClosedHistories(store),
  };
}
