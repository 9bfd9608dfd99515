import type mongoose from 'mongoose';
import type { CaseView } from '../../workflows/domain/case';
import type { StoreActivities } from '../../workflows/case/activities';
import { CaseDocument, saveCaseProjection } from './case-model';

export function toCaseDocument(view: CaseView): CaseDocument {
  const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
  return {
    caseId: view.caseId,
    version: view.version,
    kind: view.kind,
    status: view.status,
    merchantId: view.order?.merchantId,
    customerId: view.order?.customerId,
    agentId: view.assignedAgentId,
    orderId: view.order?.orderId,
    openedAt: new Date(view.openedAt),
    lastTransitionAt: new Date(view.lastTransitionAt),
    closedAt: date(view.closedAt),
    nextDeadline: date(view.nextDeadline),
    nextDeadlineClock: view.nextDeadlineClock,
    owingParty: view.owingParty,
    escalated: view.escalated,
    breached: view.breached,
    refundBlocked: view.facts?.refundBlocked === true,
    view: view as unknown as Record<string, unknown>,
  };
}

export function createStoreActivities(store: mongoose.Connection): StoreActivities {
  return {
    projectCase: (view) => saveCaseProjection(store, toCaseDocument(view)),
  };
}
