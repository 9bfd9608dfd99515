import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CaseActivities } from '../../workflows/case/activities';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { caseInput, customer, HOUR, merchant, order, recordingActivities, supervisor } from '../support/case-fixtures';
import { caseWorker, reach, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const PAID = order().paidAmountCents;
const DAY = 24 * HOUR;
const otherSupervisor = { id: 'sup-2', role: 'supervisor' as const };
const quality = { kind: 'return' as const, reason: 'quality_defect' as const };

/** The payment partner fails the first `failures` calls with a transient error (retried under the same key). */
function flakyPayment(failures: number) {
  let left = failures;
  const issueRefund: CaseActivities['issueRefund'] = async (input) => {
    fake.calls.push({ name: 'issueRefund', input });
    if (left-- > 0) throw ApplicationFailure.retryable('payment gateway timeout', 'GatewayTimeout');
    return { refundId: `r-${input.idempotencyKey}`, status: 'succeeded' };
  };
  const fake = recordingActivities({ issueRefund });
  return fake;
}

const rejected = (p: Promise<unknown>, type: string) => expect(p).rejects.toMatchObject({ cause: { type } });
const actions = async (handle: CaseHandle) => (await view(handle)).audit.map((a) => a.action);

describe('disputes: intervention, evidence, ruling, appeal (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown();
  });

  it('a merchant rejection taken to the platform: the silent merchant loses, the refund is paid once under payment faults, the appeal goes to another supervisor', async () => {
    const fake = flakyPayment(2);
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('dispute-refund', quality));
      // Not yet, rather than not allowed: the customer may ask once the merchant has refused, and is told so.
      await expect(send(handle, 'request_intervention', { actor: customer, reason: 'too early' })).rejects.toMatchObject({
        cause: { type: 'invalid_transition', details: [{ caseStatus: 'awaiting_merchant_review', possibleWhen: expect.arrayContaining(['closed']) }] },
      });
      await send(handle, 'merchant_review', { actor: merchant, decision: 'reject', reason: 'no defect visible' });
      expect(await view(handle)).toMatchObject({ status: 'closed', outcome: 'rejected' });
      // Nothing to dispute for the merchant on a closed case (it may while it owes a step); the customer's window is 72 h from the rejection.
      await expect(send(handle, 'request_intervention', { actor: merchant, reason: 'we stand by it' })).rejects.toMatchObject({
        cause: { type: 'invalid_transition', details: [{ caseStatus: 'closed', possibleWhen: expect.arrayContaining(['awaiting_merchant_review', 'awaiting_inspection']) }] },
      });
      // A role that may never send the command on this case: 403's code.
      await rejected(send(handle, 'appeal_ruling', { actor: supervisor, reason: 'x' }), 'role_not_allowed');
      await env.sleep(71 * HOUR);

      const opened = await send(handle, 'request_intervention', { actor: customer, reason: 'the seam leaks, see the video', evidence: [{ kind: 'video', uri: 'evidence://leak.mp4' }] });
      expect(opened).toMatchObject({ status: 'in_dispute', escalatedTo: ['platform'], dispute: { phase: 'evidence', trigger: 'merchant_rejected', priorOutcome: 'rejected' } });
      expect(opened.closedAt).toBeUndefined();
      const evidenceClocks = opened.clocks.filter((c) => c.name.startsWith('dispute_evidence_'));
      expect(evidenceClocks.map((c) => [c.name, c.owner, c.status, c.deadline - c.startedAt])).toEqual([
        ['dispute_evidence_customer', 'customer', 'running', 48 * HOUR],
        ['dispute_evidence_merchant', 'merchant', 'running', 48 * HOUR],
      ]);

      // The platform is already intervening: a second request, from either party, is already_requested.
      await rejected(send(handle, 'request_intervention', { actor: customer, reason: 'again' }), 'already_requested');
      await rejected(send(handle, 'request_intervention', { actor: merchant, reason: 'me too' }), 'already_requested');
      await send(handle, 'submit_evidence', { actor: customer, note: 'photos of the leak', evidence: [{ kind: 'photo', uri: 'evidence://leak-2.jpg' }] });
      await rejected(send(handle, 'rule_dispute', { actor: supervisor, responsibleParty: 'merchant', remedy: 'full_refund', reasons: 'too early' }), 'evidence_open');
      await env.sleep(47 * HOUR);
      expect((await view(handle)).clocks.find((c) => c.name === 'dispute_evidence_merchant')?.status).toBe('running');
      expect(fake.named('notifyMerchant').map((n) => n.event)).toContain('dispute_opened_1');
      await env.sleep(2 * HOUR);
      const silent = await view(handle);
      expect(silent.dispute).toMatchObject({ phase: 'awaiting_ruling', silentParties: ['merchant'] });
      expect(silent.audit.find((a) => a.action === 'evidence_deadline_missed')).toMatchObject({ data: { party: 'merchant' } });
      expect(silent.clocks.find((c) => c.name === 'dispute_ruling')).toMatchObject({ owner: 'platform', status: 'running' });
      expect(silent.owingParty).toBe('platform');

      await rejected(send(handle, 'rule_dispute', { actor: merchant, responsibleParty: 'customer', remedy: 'none', reasons: 'mine' }), 'role_not_allowed');
      await rejected(send(handle, 'rule_dispute', { actor: supervisor, responsibleParty: 'merchant', remedy: 'partial_refund', reasons: 'half' }), 'invalid_amount');
      await send(handle, 'rule_dispute', { actor: supervisor, responsibleParty: 'merchant', remedy: 'full_refund', reasons: 'defect shown on video; the merchant sent no evidence' });
      await env.sleep(HOUR);
      const ruled = await view(handle);
      expect(ruled.dispute).toMatchObject({ phase: 'appeal_window', rulings: [{ stage: 'ruling', by: supervisor, remedy: 'full_refund', silentParties: ['merchant'], executed: true }] });
      expect(ruled.refunds).toEqual([expect.objectContaining({ idempotencyKey: 'dispute-refund:refund:1', amountCents: PAID, status: 'succeeded', reason: 'dispute_refund_1' })]);
      expect(new Set(fake.named('issueRefund').map((r) => r.idempotencyKey))).toEqual(new Set(['dispute-refund:refund:1']));
      expect(fake.named('issueRefund')).toHaveLength(3);
      expect(ruled.charges).toEqual([expect.objectContaining({ party: 'merchant', amountCents: PAID, reason: 'dispute_ruling' })]);
      expect(fake.named('notifyCustomer').find((n) => n.template === 'dispute_ruled')).toMatchObject({ variables: { remedy: 'full_refund', reasons: 'defect shown on video; the merchant sent no evidence', silentParties: 'merchant' } });
      expect(String(fake.named('notifyMerchant').find((n) => n.event === 'dispute_ruled_1')?.message)).toContain('the merchant sent no evidence');

      // The merchant appeals once; the re-review is another supervisor's.
      await send(handle, 'appeal_ruling', { actor: merchant, reason: 'the customer dropped the kettle' });
      await rejected(send(handle, 'appeal_ruling', { actor: merchant, reason: 'again' }), 'already_appealed');
      await rejected(send(handle, 'rule_appeal', { actor: supervisor, responsibleParty: 'customer', remedy: 'none', reasons: 'me again' }), 'same_reviewer');
      await send(handle, 'rule_appeal', { actor: otherSupervisor, responsibleParty: 'merchant', remedy: 'full_refund', reasons: 'upheld: no evidence of a drop' });
      await env.sleep(HOUR);
      const upheld = await view(handle);
      expect(upheld.dispute).toMatchObject({ phase: 'appeal_window', appeals: [{ party: 'merchant' }] });
      expect(fake.named('issueRefund')).toHaveLength(3);
      expect(upheld.charges).toHaveLength(1);

      // The customer may still appeal for 7 days; then the ruling is final and the case closes as refunded.
      const deadline = upheld.dispute!.appealDeadline!;
      expect(deadline - upheld.dispute!.rulings[1].at).toBe(7 * DAY);
      await env.sleep(7 * DAY - 2 * HOUR);
      expect((await view(handle)).status).toBe('in_dispute');
      await env.sleep(2 * HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded' });
      expect(closed.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['appeal_window_lapsed', 'dispute_concluded']));
      expect(fake.named('issueRefund')).toHaveLength(3);
    });
  });

  it('an overturned ruling: the charge is reversed as its own entry and the refund paid is not taken back', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('dispute-overturned', quality));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
      await send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF9' });
      await handle.signal('courier_event', { dedupKey: 'sf9-d', trackingNumber: 'SF9', event: 'delivered', at: 0 });
      await reach(handle, 'awaiting_inspection');
      await send(handle, 'inspect', { actor: merchant, result: 'rejected', findings: 'water damage from misuse' });
      expect(await view(handle)).toMatchObject({ status: 'closed', outcome: 'rejected_after_inspection' });

      await send(handle, 'request_intervention', { actor: customer, reason: 'it leaked out of the box' });
      await send(handle, 'submit_evidence', { actor: merchant, note: 'inspection photos', evidence: [{ kind: 'photo', uri: 'evidence://inspect.jpg' }] });
      expect((await view(handle)).dispute?.phase).toBe('evidence');
      await send(handle, 'submit_evidence', { actor: customer, note: 'unboxing video' });
      expect((await view(handle)).dispute).toMatchObject({ phase: 'awaiting_ruling', silentParties: [] });

      await send(handle, 'rule_dispute', { actor: supervisor, responsibleParty: 'merchant', remedy: 'partial_refund', amountCents: 5_000, reasons: 'defect likely; partial' });
      await env.sleep(HOUR);
      expect((await view(handle)).charges).toEqual([expect.objectContaining({ party: 'merchant', amountCents: 5_000, reason: 'dispute_ruling' })]);
      await send(handle, 'appeal_ruling', { actor: merchant, reason: 'lab report shows misuse' });
      await send(handle, 'rule_appeal', { actor: otherSupervisor, responsibleParty: 'customer', remedy: 'none', reasons: 'lab report: misuse' });
      await env.sleep(HOUR);
      const overturned = await view(handle);
      expect(overturned.charges).toEqual([
        expect.objectContaining({ party: 'merchant', amountCents: 5_000, reason: 'dispute_ruling' }),
        expect.objectContaining({ party: 'merchant', amountCents: -5_000, reason: 'dispute_ruling_reversed', key: 'dispute-overturned:charge:merchant:dispute_ruling:reversed' }),
      ]);
      expect(overturned.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['charge_reversed', 'refund_not_reversed']));
      expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 5_000 })]);
      expect(fake.named('notifyMerchant').map((n) => n.event)).toEqual(expect.arrayContaining(['dispute_ruled_1', 'dispute_ruled_2']));

      await env.sleep(7 * DAY + HOUR);
      expect(await view(handle)).toMatchObject({ status: 'closed', outcome: 'rejected_after_inspection' });
    });
  });

  it('a rejected remedy: the intervention window, paused clocks, request_info pausing a party’s clock, and a ruling of no remedy resuming the case', async () => {
    const policy = { ...DEFAULT_POLICY, disputeInfoPausesClock: true };
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const damaged = { kind: 'return' as const, reason: 'damaged_in_transit' as const, outerPackageDamaged: false };
      const inTime = await start(caseInput('dispute-remedy', damaged, {}, policy));
      const late = await start(caseInput('dispute-remedy-late', damaged, {}, policy));
      const merchantSide = await start(caseInput('dispute-merchant', quality, {}, policy));
      for (const handle of [inTime, late]) {
        await reach(handle, 'awaiting_remedy_agreement');
        await send(handle, 'propose_remedy', { actor: merchant, remedy: 'partial_refund', amountCents: 2_000, description: 'a discount for the dent' });
        await send(handle, 'customer_decision', { actor: customer, accept: false, reason: 'the lid is cracked' });
      }
      // The merchant disputes the claim while it owes the review: its review clock pauses.
      await reach(merchantSide, 'awaiting_merchant_review');
      await send(merchantSide, 'request_intervention', { actor: merchant, reason: 'the order was delivered intact; signed receipt' });
      expect((await view(merchantSide)).clocks.find((c) => c.name === 'merchant_review')?.status).toBe('paused');

      await env.sleep(71 * HOUR);
      await send(inTime, 'request_intervention', { actor: customer, reason: 'the offer does not cover a cracked lid' });
      await env.sleep(2 * HOUR);
      await rejected(send(late, 'request_intervention', { actor: customer, reason: 'too late' }), 'intervention_window_passed');
      expect((await view(late)).status).toBe('awaiting_remedy_agreement');
      // The merchant's review clock stayed paused through the dispute: no approval by default at 48 h.
      expect((await view(merchantSide)).clocks.find((c) => c.name === 'merchant_review')?.status).toBe('paused');
      expect(await actions(merchantSide)).not.toContain('approved_by_default');

      await send(inTime, 'request_info', { actor: supervisor, party: 'merchant', request: 'the packing photos of this order' });
      expect((await view(inTime)).clocks.find((c) => c.name === 'dispute_evidence_merchant')?.status).toBe('paused');
      await env.sleep(47 * HOUR);
      const customerSilent = await view(inTime);
      expect(customerSilent.dispute).toMatchObject({ phase: 'evidence', silentParties: ['customer'], infoRequests: [{ party: 'merchant', pausedClock: true }] });
      await send(inTime, 'submit_evidence', { actor: merchant, note: 'packing photos', evidence: [{ kind: 'photo', uri: 'evidence://packing.jpg' }] });
      expect((await view(inTime)).dispute?.phase).toBe('awaiting_ruling');

      await send(inTime, 'rule_dispute', { actor: supervisor, responsibleParty: 'customer', remedy: 'none', reasons: 'packing was sound; the customer sent no evidence' });
      await env.sleep(7 * DAY + HOUR);
      const resumed = await view(inTime);
      expect(resumed).toMatchObject({ status: 'awaiting_remedy_agreement', dispute: { phase: 'final' } });
      expect(resumed.closedAt).toBeUndefined();
      expect(fake.named('issueRefund')).toEqual([]);
      await rejected(send(inTime, 'request_intervention', { actor: customer, reason: 'once more' }), 'already_requested');
      // The merchant's intervention is its own, once too.
      await send(inTime, 'request_intervention', { actor: merchant, reason: 'the customer keeps refusing' });
      expect((await view(inTime)).status).toBe('in_dispute');
    });
  });

  it('a rejected case whose survey is answered stays open to the customer’s intervention until its window ends (dispute-intervention-window)', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const kept = await start(caseInput('dispute-window-kept', quality));
      const lapsed = await start(caseInput('dispute-window-lapsed', quality));
      for (const handle of [kept, lapsed]) {
        await send(handle, 'merchant_review', { actor: merchant, decision: 'reject', reason: 'used goods' });
        await env.sleep(HOUR);
        await send(handle, 'answer_survey', { actor: customer, rating: 1 });
      }
      await env.sleep(69 * HOUR);
      expect(await send(kept, 'request_intervention', { actor: customer, reason: 'the goods were unused' })).toMatchObject({ status: 'in_dispute' });
      await env.sleep(3 * HOUR);
      // Past its window the rejected case has completed: there is nothing left to intervene on.
      await expect(lapsed.result()).resolves.toMatchObject({ status: 'closed', outcome: 'rejected' });
      expect((await view(lapsed)).audit.map((a) => a.action)).not.toContain('intervention_requested');
    });
  });

  it('remedies: a reship charged to the courier, and return_and_refund sending the goods back through the return path', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const reship = await start(caseInput('dispute-reship', quality));
      const back = await start(caseInput('dispute-return', quality));
      await send(reship, 'merchant_review', { actor: merchant, decision: 'reject', reason: 'not our fault: the courier crushed it' });
      await send(reship, 'request_intervention', { actor: customer, reason: 'the kettle arrived crushed' });
      await reach(back, 'awaiting_merchant_review');
      await send(back, 'request_intervention', { actor: merchant, reason: 'the customer used it for a month' });
      for (const handle of [reship, back]) {
        await send(handle, 'submit_evidence', { actor: customer, note: 'photos' });
        await send(handle, 'submit_evidence', { actor: merchant, note: 'records' });
      }
      await rejected(send(reship, 'rule_dispute', { actor: supervisor, responsibleParty: 'courier', remedy: 'reship', items: [{ sku: 'nope', quantity: 1 }], reasons: 'x' }), 'invalid_items');
      await send(reship, 'rule_dispute', { actor: supervisor, responsibleParty: 'courier', remedy: 'reship', reasons: 'the courier’s scan shows the crush' });
      await send(back, 'rule_dispute', { actor: supervisor, responsibleParty: 'merchant', remedy: 'return_and_refund', reasons: 'a defect within the return window' });
      await env.sleep(7 * DAY + HOUR);

      const reshipped = await view(reship);
      expect(reshipped).toMatchObject({ status: 'closed', outcome: 'reshipped' });
      expect(reshipped.reships).toEqual([expect.objectContaining({ reason: 'dispute_reship_1', status: 'succeeded', items: [{ sku: 'sku-1', quantity: 1 }] })]);
      expect(reshipped.charges).toEqual([expect.objectContaining({ party: 'courier', amountCents: PAID, reason: 'dispute_ruling' })]);
      expect(fake.named('createReshipOrder')).toHaveLength(1);
      expect(fake.named('issueRefund')).toEqual([]);

      const returning = await view(back);
      expect(returning.status).toBe('awaiting_return_shipment');
      expect(returning.clocks.find((c) => c.name === 'merchant_review')?.status).toBe('cancelled');
      expect(returning.clocks.find((c) => c.name === 'customer_ship_back')).toMatchObject({ status: 'running', owner: 'customer' });
      expect(returning.charges).toEqual([]);
      // From here it is the plain return: ship back, inspection, refund.
      await send(back, 'ship_back', { actor: customer, trackingNumber: 'SF77' });
      expect((await view(back)).status).toBe('return_in_transit');
    });
  });

  it('a ruling’s refund the payment partner refuses waits for the platform, is paid once on retry, and an upheld appeal pays nothing more', async () => {
    let refusals = 1;
    const issueRefund: CaseActivities['issueRefund'] = async (input) => {
      fake.calls.push({ name: 'issueRefund', input });
      if (refusals-- > 0) throw ApplicationFailure.nonRetryable('exceeds refundable amount', 'RefundRefused');
      return { refundId: `r-${input.idempotencyKey}`, status: 'succeeded' };
    };
    const fake = recordingActivities({ issueRefund });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('dispute-refund-refused', quality));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'reject', reason: 'no defect' });
      await send(handle, 'request_intervention', { actor: customer, reason: 'it leaks' });
      await send(handle, 'submit_evidence', { actor: customer, note: 'video' });
      await send(handle, 'submit_evidence', { actor: merchant, note: 'inspection notes' });
      await send(handle, 'rule_dispute', { actor: supervisor, responsibleParty: 'merchant', remedy: 'full_refund', reasons: 'defect on video' });
      await env.sleep(HOUR);
      const blocked = await view(handle);
      expect(blocked).toMatchObject({ status: 'in_dispute', facts: { refundBlocked: true }, dispute: { rulings: [{ executed: false }] } });
      await send(handle, 'resolve_blocked_refund', { actor: otherSupervisor, resolution: 'retry', amountCents: 15_000, reason: 'the partner caps this order at 150.00' });
      await env.sleep(HOUR);
      const paid = await view(handle);
      expect(paid.dispute).toMatchObject({ phase: 'appeal_window', rulings: [{ executed: true }] });
      expect(paid.refunds.map((r) => [r.idempotencyKey, r.amountCents, r.status])).toEqual([
        ['dispute-refund-refused:refund:1', PAID, 'failed'],
        ['dispute-refund-refused:refund:2', 15_000, 'succeeded'],
      ]);
      expect(paid.charges).toEqual([expect.objectContaining({ party: 'merchant', amountCents: 15_000, reason: 'dispute_ruling' })]);
      await send(handle, 'appeal_ruling', { actor: customer, reason: 'I want the rest' });
      await send(handle, 'rule_appeal', { actor: otherSupervisor, responsibleParty: 'merchant', remedy: 'partial_refund', amountCents: 15_000, reasons: 'upheld at what the partner could refund' });
      await env.sleep(7 * DAY + HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'partially_refunded' });
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'merchant', amountCents: 15_000, reason: 'dispute_ruling' })]);
      expect(fake.named('issueRefund').map((r) => r.idempotencyKey)).toEqual(['dispute-refund-refused:refund:1', 'dispute-refund-refused:refund:2']);
    });
  });

  it('the appeal window is each party’s own clock: started at the ruling, ended by an appeal, restarted after the re-review, cancelled (not breached) when it lapses (dispute-appeal-clock)', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('dispute-appeal-clock', quality));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'reject', reason: 'no defect' });
      await send(handle, 'request_intervention', { actor: customer, reason: 'it leaks' });
      await send(handle, 'submit_evidence', { actor: customer, note: 'video' });
      await send(handle, 'submit_evidence', { actor: merchant, note: 'inspection notes' });
      await send(handle, 'rule_dispute', { actor: supervisor, responsibleParty: 'merchant', remedy: 'partial_refund', amountCents: 3_000, reasons: 'a minor defect' });
      await env.sleep(HOUR);
      const appealClocks = async () => (await view(handle)).clocks.filter((c) => c.name.startsWith('dispute_appeal_')).map((c) => [c.name, c.owner, c.status]);
      const ruled = await view(handle);
      const windows = ruled.clocks.filter((c) => c.name.startsWith('dispute_appeal_'));
      expect(windows.map((c) => [c.name, c.owner, c.status, c.deadline - c.startedAt])).toEqual([
        ['dispute_appeal_customer', 'customer', 'running', 7 * DAY],
        ['dispute_appeal_merchant', 'merchant', 'running', 7 * DAY],
      ]);
      expect(ruled.dispute!.appealDeadline).toBe(windows[0].deadline);
      // The parties owe the next step (their appeal, if any), not the platform.
      expect(['customer', 'merchant']).toContain(ruled.owingParty);

      await env.sleep(3 * DAY);
      await send(handle, 'appeal_ruling', { actor: merchant, reason: 'no defect at all' });
      expect(await appealClocks()).toEqual([
        ['dispute_appeal_customer', 'customer', 'cancelled'],
        ['dispute_appeal_merchant', 'merchant', 'satisfied'],
      ]);
      expect((await view(handle)).owingParty).toBe('platform');
      await send(handle, 'rule_appeal', { actor: otherSupervisor, responsibleParty: 'merchant', remedy: 'partial_refund', amountCents: 3_000, reasons: 'upheld' });
      await env.sleep(HOUR);
      // Only the customer may still appeal: its window starts again from the re-review's ruling.
      const reruled = await view(handle);
      expect(reruled.clocks.filter((c) => c.name.startsWith('dispute_appeal_')).map((c) => [c.name, c.status])).toEqual([
        ['dispute_appeal_customer', 'running'],
        ['dispute_appeal_merchant', 'satisfied'],
      ]);
      expect(reruled.owingParty).toBe('customer');
      expect(reruled.clocks.find((c) => c.name === 'dispute_appeal_customer')!.deadline - reruled.dispute!.rulings[1].at).toBe(7 * DAY);

      await env.sleep(7 * DAY - 2 * HOUR);
      expect((await view(handle)).status).toBe('in_dispute');
      await env.sleep(2 * HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'partially_refunded', breached: false });
      expect(closed.clocks.find((c) => c.name === 'dispute_appeal_customer')?.status).toBe('cancelled');
      expect(closed.audit.map((a) => a.action)).toContain('appeal_window_lapsed');
      expect(closed.audit.map((a) => a.action)).not.toContain('sla_breached');
      expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 3_000 })]);
      // A late appeal is told the window closed; the party that appealed, that it did.
      await rejected(send(handle, 'appeal_ruling', { actor: customer, reason: 'too late' }), 'appeal_window_closed');
      await rejected(send(handle, 'appeal_ruling', { actor: merchant, reason: 'again' }), 'already_appealed');
      // Closed again after the platform reopened it: a second survey for this closing (survey-after-reopening).
      const resurveyed = await view(handle);
      expect(resurveyed.earlierSurveys).toEqual([expect.objectContaining({ sentAt: expect.any(Number) })]);
      expect(resurveyed.survey!.sentAt).toBeGreaterThanOrEqual(resurveyed.closedAt!);
      expect(resurveyed.facts.surveyExpired).toBeUndefined();
      const answered = await send(handle, 'answer_survey', { actor: customer, rating: 4 });
      expect(answered.survey).toMatchObject({ rating: 4 });
      expect(fake.named('notifyCustomer').filter((n) => n.template === 'satisfaction_survey').map((n) => n.idempotencyKey)).toEqual([
        'dispute-appeal-clock:customer:satisfaction_survey',
        'dispute-appeal-clock:customer:satisfaction_survey:2',
      ]);
    });
  });
});
