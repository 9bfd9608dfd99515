/**
 * A calendar year published after a case opened reaches it (apply_calendar): the case counts with the year from then
 * on, and each running working-day clock the year moves is re-timed as a priority change re-times it, audited.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { applyCalendarUpdate, type ApplyCalendarInput } from '../../workflows/messages';
import { caseInput, HOUR, merchant, recordingActivities, supervisor } from '../support/case-fixtures';
import { caseWorker, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const DAY = 24 * HOUR;
const admin = { id: 'ops-1', role: 'admin' as const };
const returnDetails = { kind: 'return' as const, reason: 'quality_defect' as const };
const refusal = (code: string) => ({ cause: { type: code } });
const apply = (handle: CaseHandle, input: ApplyCalendarInput) => handle.executeUpdate(applyCalendarUpdate, { args: [input] });
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** 10:00 in Shanghai (02:00 UTC) of a Monday at least a week ahead whose Tuesday is in the same year. */
function mondayAhead(now: number): number {
  let day = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()) + 7 * DAY;
  while (new Date(day).getUTCDay() !== 1 || new Date(day + DAY).getUTCFullYear() !== new Date(day).getUTCFullYear()) day += DAY;
  return day + 2 * HOUR;
}

describe('a calendar year applied to a running case (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('re-times the working-day deadline the new holiday moves, audits it, and the deadline acts at its new time', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const monday = mondayAhead(await env.currentTimeMs());
      await env.sleep(monday - (await env.currentTimeMs()));
      const policy = { ...DEFAULT_POLICY, merchantReviewReminder: { workingDays: 1 }, merchantReviewTimeout: { workingDays: 2 } };
      const handle = await start(caseInput('calendar-apply', returnDetails, { receivedAt: await env.currentTimeMs() }, policy));
      const opened = await view(handle);
      const review = opened.clocks.find((c) => c.name === 'merchant_review')!;
      // Two working days from a Monday morning: Wednesday, same time.
      expect(review.deadline - review.startedAt).toBe(2 * DAY);

      const tuesday = isoDate(monday + DAY);
      const year = { year: new Date(monday).getUTCFullYear(), holidays: [tuesday], extraWorkingDays: [] };
      await expect(apply(handle, { year, reason: 'State Council notice', actor: supervisor as never })).rejects.toMatchObject(refusal('role_not_allowed'));
      await expect(apply(handle, { year, reason: ' ', actor: admin })).rejects.toMatchObject(refusal('reason_required'));
      await expect(apply(handle, { year: { ...year, holidays: ['not a date'] }, reason: 'x', actor: admin })).rejects.toMatchObject(refusal('invalid_payload'));
      expect((await view(handle)).audit.some((a) => a.action === 'calendar_applied')).toBe(false);

      const applied = await apply(handle, { year, reason: 'State Council notice: Tuesday is a public holiday', actor: admin });
      expect(applied.retimed).toEqual([{ clock: 'merchant_review', from: review.deadline, to: review.deadline + DAY }]);
      const retimed = await view(handle);
      expect(retimed.clocks.find((c) => c.name === 'merchant_review')).toMatchObject({ status: 'running', deadline: review.deadline + DAY });
      expect(retimed.audit.at(-1)).toMatchObject({
        action: 'calendar_applied',
        actor: admin,
        reason: 'State Council notice: Tuesday is a public holiday',
        data: { year: year.year, holidays: [tuesday], clocks: [{ clock: 'merchant_review', from: review.deadline, to: review.deadline + DAY }] },
      });
      // The same year again changes nothing.
      await expect(apply(handle, { year, reason: 'again', actor: admin })).rejects.toMatchObject(refusal('unchanged'));

      // Past the old deadline the merchant still has time; at the new one the review is approved by default.
      await env.sleep(review.deadline - (await env.currentTimeMs()) + HOUR);
      expect((await view(handle)).status).toBe('awaiting_merchant_review');
      await env.sleep(DAY);
      const approved = await view(handle);
      expect(approved.status).toBe('awaiting_return_shipment');
      expect(approved.audit.find((a) => a.action === 'approved_by_default')!.at).toBeGreaterThanOrEqual(review.deadline + DAY);

      // A closed case has no deadline left to re-time.
      const other = await start(caseInput('calendar-closed', returnDetails, { receivedAt: await env.currentTimeMs() }, policy));
      await send(other, 'merchant_review', { actor: merchant, decision: 'reject', reason: 'used goods' });
      await expect(apply(other, { year: { ...year, holidays: [isoDate(monday + 2 * DAY)] }, reason: 'x', actor: admin })).rejects.toMatchObject(refusal('invalid_transition'));
    });
  });
});
