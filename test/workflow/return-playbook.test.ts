import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { getAuditQuery } from '../../workflows/messages';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { addWorkingDays } from '../../workflows/sla/calendar';
import { caseInput, customer, HOUR, merchant, MINUTE, order, recordingActivities } from '../support/case-fixtures';
import { caseWorker, send, view } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const returnDetails = { kind: 'return' as const, reason: 'quality_defect' as const };

describe('return playbook (time-skipping)', () => {
  // One server per test: time skipping is server-wide, so cases of one test must not hold the clock of another.
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown();
  });

  it('reminds the merchant at 24 h and approves by default at 48 h', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('return-silent-merchant', returnDetails));
      expect((await view(handle)).status).toBe('awaiting_merchant_review');
      await env.sleep(23 * HOUR);
      expect(fake.named('notifyMerchant').map((n) => n.event)).toEqual(['return_requested']);
      await env.sleep(2 * HOUR);
      expect(fake.named('notifyMerchant').map((n) => n.event)).toEqual(['return_requested', 'review_reminder']);
      expect((await view(handle)).status).toBe('awaiting_merchant_review');
      await env.sleep(24 * HOUR);
      const after = await view(handle);
      expect(after.status).toBe('awaiting_return_shipment');
      expect(after.audit.map((a) => a.action)).toContain('approved_by_default');
      expect(after.clocks.find((c) => c.name === 'merchant_review')).toMatchObject({ status: 'breached', warned: true });
      expect(after.clocks.find((c) => c.name === 'customer_ship_back')).toMatchObject({ status: 'running', owner: 'customer' });
    });
  });

  it('hands the request to the platform at 48 h when the policy says so', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    const policy = { ...DEFAULT_POLICY, version: 'test-escalate', merchantReviewTimeoutAction: 'escalate_to_platform' as const };
    await worker.runUntil(async () => {
      const handle = await start(caseInput('return-platform', returnDetails, {}, policy));
      await env.sleep(48 * HOUR + 1000);
      const after = await view(handle);
      expect(after.status).toBe('awaiting_platform_review');
      expect(after.escalated).toBe(true);
      expect(after.escalations[0]).toMatchObject({ to: 'platform', clock: 'merchant_review' });
      // The platform's decision runs on a clock of its own; the merchant's breach stays open until the request is decided.
      const platformClock = after.clocks.find((c) => c.name === 'platform_review');
      expect(platformClock).toMatchObject({ status: 'running', owner: 'platform' });
      expect(after).toMatchObject({ waitingOn: 'platform', owingParty: 'merchant', nextDeadlineClock: 'merchant_review', escalatedTo: ['platform'] });
      expect(after.openBreaches).toEqual([expect.objectContaining({ clock: 'merchant_review', owingParty: 'merchant' })]);
      await send(handle, 'platform_review', { actor: { id: 'sup-1', role: 'supervisor' }, decision: 'approve' });
      const decided = await view(handle);
      expect(decided.status).toBe('awaiting_return_shipment');
      expect(decided.clocks.find((c) => c.name === 'platform_review')?.status).toBe('satisfied');
      expect(decided).toMatchObject({ openBreaches: [], escalatedTo: [], waitingOn: 'customer', nextDeadlineClock: 'customer_ship_back' });
    });
  });

  it('walks a return from request to refund, refunding exactly once, then runs the survey', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('return-happy', returnDetails));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve', returnAddress: 'Hangzhou returns desk' });
      await send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF123' });
      await handle.signal('courier_event', { dedupKey: 'sf-1', trackingNumber: 'SF123', event: 'delivered', at: Date.now() });
      await handle.signal('courier_event', { dedupKey: 'sf-1', trackingNumber: 'SF123', event: 'delivered', at: Date.now() });
      expect((await view(handle)).status).toBe('awaiting_inspection');
      await send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'seam leaks; confirmed defect', evidence: [{ kind: 'photo', uri: 'evidence://inspection-1' }] });
      await send(handle, 'start_refund', { actor: merchant });
      await env.sleep(HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded', shippingCostBearer: 'merchant', responsibleParty: 'merchant' });
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 19_900, status: 'succeeded', onBehalfOfMerchant: false })]);
      expect(fake.named('issueRefund')).toHaveLength(1);
      expect(closed.charges).toEqual([]);
      expect(closed.audit.filter((a) => a.action === 'return_delivered_to_merchant')).toHaveLength(1);
      await send(handle, 'answer_survey', { actor: customer, rating: 5, comment: 'quick' });
      const result = await handle.result();
      expect(result.survey).toMatchObject({ rating: 5 });
      expect(fake.named('notifyCustomer').map((n) => n.template)).toEqual(['return_approved', 'refund_issued', 'satisfaction_survey']);
      expect(fake.projections.get('return-happy')?.version).toBe(result.version);

      // One patch marker (the baseline) with the one upsert of TemporalChangeVersion Temporal's Core adds to it, and at
      // most one upsert of the case's own attributes per workflow task.
      const events = (await handle.fetchHistory()).events ?? [];
      const upserted = (e: (typeof events)[number]) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
      expect(events.filter((e) => e.markerRecordedEventAttributes)).toHaveLength(1);
      expect(events.filter((e) => upserted(e).includes('TemporalChangeVersion'))).toHaveLength(1);
      const caseUpserts = events.filter((e) => upserted(e).some((key) => key !== 'TemporalChangeVersion'));
      const upsertsPerTask = events.reduce((counts, e) => (e.workflowTaskCompletedEventAttributes ? [...counts, 0] : caseUpserts.includes(e) ? [...counts.slice(0, -1), counts.at(-1)! + 1] : counts), [0]);
      expect(Math.max(...upsertsPerTask)).toBe(1);
      const opening = caseUpserts[0]!.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!;
      const attributes = Object.fromEntries(Object.entries(opening).map(([key, payload]) => [key, JSON.parse(Buffer.from(payload.data!).toString())]));
      expect(attributes).toMatchObject({ CaseKind: 'return', MerchantId: order().merchantId, CaseStatus: 'awaiting_merchant_review', Escalated: false });
    });
  });

  it('has the courier collect the goods on request: the pickup is booked once and its tracking number moves the case', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('return-pickup', returnDetails));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
      await send(handle, 'request_pickup', { actor: customer, address: '12 West Lake Rd, Hangzhou' });
      await env.sleep(MINUTE);
      const booked = await view(handle);
      expect(booked).toMatchObject({ status: 'return_in_transit', facts: { pickupAddress: '12 West Lake Rd, Hangzhou' } });
      expect(fake.named('requestCourierPickup')).toEqual([{ idempotencyKey: 'return-pickup:pickup', caseId: 'return-pickup', orderId: booked.order!.orderId, address: '12 West Lake Rd, Hangzhou', companyId: 'courier' }]);
      const trackingNumber = booked.returnTrackingNumber!;
      expect(booked.audit.find((a) => a.action === 'pickup_booked')?.data).toEqual({ pickupId: booked.facts.pickupId, trackingNumber });
      expect(booked.clocks.find((c) => c.name === 'customer_ship_back')?.status).toBe('satisfied');
      await handle.signal('courier_event', { dedupKey: 'pk-1', trackingNumber, event: 'delivered', at: Date.now() });
      expect((await view(handle)).status).toBe('awaiting_inspection');
      expect(fake.named('requestCourierPickup')).toHaveLength(1);
    });
  });

  it('escalates to the platform when the courier refuses the pickup', async () => {
    const fake = recordingActivities({
      requestCourierPickup: async () => {
        throw ApplicationFailure.nonRetryable('no pickups in this district', 'PartnerRejected');
      },
    });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('return-pickup-refused', returnDetails));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
      await send(handle, 'request_pickup', { actor: customer, address: 'Far Island 1' });
      await env.sleep(MINUTE);
      const refused = await view(handle);
      expect(refused.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['pickup_requested', 'pickup_refused', 'escalated']));
      expect(refused).toMatchObject({ status: 'return_in_transit', escalatedTo: ['platform'], facts: { pickupId: '' } });
      expect(refused.returnTrackingNumber).toBeUndefined();
    });
  });

  it('rejects an invalid transition in the validator, leaving history untouched', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('return-invalid', returnDetails));
      await view(handle);
      const attempt = send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'too early' });
      await expect(attempt).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(attempt).rejects.toMatchObject({ cause: { type: 'invalid_transition' } });
      const otherMerchant = send(handle, 'merchant_review', { actor: { ...merchant, merchantId: 'merchant-b' }, decision: 'approve' });
      await expect(otherMerchant).rejects.toMatchObject({ cause: { type: 'not_your_case' } });
      const wrongRole = send(handle, 'merchant_review', { actor: customer, decision: 'approve' });
      await expect(wrongRole).rejects.toMatchObject({ cause: { type: 'role_not_allowed' } });
      const history = await handle.fetchHistory();
      const updateEvents = history.events?.filter((e) => String(e.eventType).includes('UPDATE') || e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(updateEvents).toEqual([]);
      expect(await handle.query(getAuditQuery)).toHaveLength(1);
    });
  });

  it('refuses a return postage claim above the policy cap, and takes one within it', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('return-postage-cap', { kind: 'return', reason: 'wrong_item' }));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
      const cap = DEFAULT_POLICY.returnPostageCapCents!;
      await expect(send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF9', postageCents: cap + 1 })).rejects.toMatchObject({ cause: { type: 'postage_above_cap' } });
      expect((await view(handle)).status).toBe('awaiting_return_shipment');
      await send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF9', postageCents: cap });
      expect(await view(handle)).toMatchObject({ status: 'return_in_transit', facts: { returnPostageCents: cap } });
    });
  });

  it('closes as abandoned when the goods are not shipped back within 7 days', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('return-abandoned', returnDetails));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
      await env.sleep(7 * 24 * HOUR - HOUR);
      expect((await view(handle)).status).toBe('awaiting_return_shipment');
      await env.sleep(2 * HOUR);
      const after = await view(handle);
      expect(after).toMatchObject({ status: 'closed', outcome: 'abandoned' });
      expect(fake.named('notifyCustomer').map((n) => n.template)).toContain('closed_abandoned');
      expect(fake.named('issueRefund')).toHaveLength(0);
    });
  });

  it('deems the goods accepted 48 h after delivery without inspection, then refunds on the merchant’s behalf after 3 working days', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      // Declare the next two calendar days holidays, so the 3 working days span a holiday (and, within a week, a weekend).
      const now = await env.currentTimeMs();
      const day = (offset: number) => new Date(now + 8 * HOUR + offset * 24 * HOUR).toISOString().slice(0, 10);
      const policy = { ...DEFAULT_POLICY, version: 'test-holidays', calendar: { ...DEFAULT_POLICY.calendar, holidays: [day(3), day(4)], extraWorkingDays: [] } };
      const handle = await start(caseInput('return-deemed', returnDetails, {}, policy));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
      await send(handle, 'ship_back', { actor: customer, trackingNumber: 'YT9' });
      await handle.signal('courier_event', { dedupKey: 'yt-1', trackingNumber: 'YT9', event: 'delivered', at: now });
      await env.sleep(47 * HOUR);
      expect((await view(handle)).status).toBe('awaiting_inspection');
      await env.sleep(2 * HOUR);
      const refundDue = await view(handle);
      expect(refundDue.status).toBe('refund_due');
      expect(refundDue.audit.map((a) => a.action)).toContain('inspection_deemed_accepted');
      const clock = refundDue.clocks.find((c) => c.name === 'refund_start')!;
      expect(clock.deadline).toBe(addWorkingDays(clock.startedAt, 3, policy.calendar));
      expect(clock.deadline - clock.startedAt).toBeGreaterThanOrEqual(5 * 24 * HOUR);
      await env.sleep(clock.deadline - (await env.currentTimeMs()) - HOUR);
      expect(fake.named('issueRefund')).toHaveLength(0);
      await env.sleep(2 * HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded', escalated: true, breached: true });
      expect(closed.refunds).toEqual([expect.objectContaining({ onBehalfOfMerchant: true, status: 'succeeded' })]);
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'merchant', amountCents: order().paidAmountCents, reason: 'refund_paid_on_behalf_of_merchant' })]);
      expect(fake.named('issueRefund')).toHaveLength(1);
    });
  });

  it('rejects a no-reason return of an excluded category at once, with the reason', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const handle = await start(caseInput('return-excluded', { kind: 'return', reason: 'no_reason', goodsIntact: true }, { order: order({ category: 'perishable', deliveredAt: now - 24 * HOUR }) }));
      await env.sleep(HOUR);
      const after = await view(handle);
      expect(after).toMatchObject({ status: 'closed', outcome: 'rejected' });
      expect(after.audit[0]).toMatchObject({ action: 'rejected_ineligible', reason: 'category_excluded: perishable' });
      expect(fake.named('notifyCustomer')[0]).toMatchObject({ template: 'request_rejected' });
    });
  });
});
