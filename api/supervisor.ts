import { Router } from 'express';
import { caseModel, type CaseDocument } from '../activities/store/case-model';
import { allow, callerOf } from './auth';
import { toSummary } from './cases';
import type { CaseApiContext } from './context';
import { validate } from './errors';
import { CaseCountsQuery, durationMs, StuckCasesQuery } from './schemas';

export const SUPERVISOR_ROLES = ['supervisor', 'admin'] as const;

/** Open cases: the workflow sets closedAt when a case reaches its outcome. */
const OPEN = { $or: [{ closedAt: { $exists: false } }, { closedAt: { $eq: null } }] };

export function supervisorRoutes(ctx: CaseApiContext): Router {
  const router = Router();

  router.get('/supervisor/stuck-cases', allow(...SUPERVISOR_ROLES), async (req, res) => {
    callerOf(req);
    const q = validate(StuckCasesQuery, req.query, 'query');
    const now = Date.now();
    const horizon = new Date(now + durationMs(q.within));
    const idleSince = q.idleFor ? new Date(now - durationMs(q.idleFor)) : undefined;
    // A refund the payment partner refused waits on the platform, with or without a deadline running.
    const stuck: Array<Record<string, unknown>> = [{ nextDeadline: { $lte: horizon } }, { refundBlocked: { $eq: true } }];
    if (idleSince) stuck.push({ lastTransitionAt: { $lte: idleSince } });
    const and: Array<Record<string, unknown>> = [OPEN, { $or: stuck }];
    if (q.kind) and.push({ kind: { $eq: q.kind } });
    if (q.merchantId) and.push({ merchantId: { $eq: q.merchantId } });
    const docs = await caseModel(ctx.store)
      .find({ $and: and }, { view: 0 })
      .sort({ lastTransitionAt: 1, caseId: 1 })
      .limit(q.limit)
      .lean<CaseDocument[]>()
      .exec();
    const items = docs
      .map((doc) => {
        const deadline = doc.nextDeadline ? new Date(doc.nextDeadline).getTime() : undefined;
        const reasons: string[] = [];
        if (deadline !== undefined && deadline <= now) reasons.push('deadline_breached');
        else if (deadline !== undefined && deadline <= horizon.getTime()) reasons.push('deadline_within_window');
        if (idleSince && new Date(doc.lastTransitionAt).getTime() <= idleSince.getTime()) reasons.push('idle');
        if (doc.refundBlocked) reasons.push('refund_blocked');
        return { ...toSummary(doc), reasons, deadlineMs: deadline ?? Number.MAX_SAFE_INTEGER };
      })
      .sort((a, b) => a.deadlineMs - b.deadlineMs || a.caseId.localeCompare(b.caseId))
      .map(({ deadlineMs: _deadlineMs, ...item }) => item);
    res.json({ asOf: new Date(now).toISOString(), items });
  });

  router.get('/supervisor/case-counts', allow(...SUPERVISOR_ROLES), async (req, res) => {
    callerOf(req);
    const q = validate(CaseCountsQuery, req.query, 'query');
    const match = q.open === undefined ? {} : q.open ? OPEN : { closedAt: { $exists: true, $ne: null } };
    const rows = await caseModel(ctx.store)
      .aggregate<{ _id: unknown; count: number }>([{ $match: match }, { $group: { _id: `$${q.by}`, count: { $sum: 1 } } }])
      .exec();
    const counts = rows
      .map((r) => ({ value: r._id === undefined || r._id === null ? null : String(r._id), count: r.count }))
      .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
    res.json({ by: q.by, counts });
  });

  return router;
}
