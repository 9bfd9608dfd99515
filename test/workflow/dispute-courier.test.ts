/**
 * request_info addressed to the courier (issue 8): the platform asks the courier, through its adapter against the
 * sandbox (with its fault injection), for the handover record of a parcel; the answer arrives as evidence on the case,
 * one evidence record at the courier however often the call is retried.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createPartnerActivities, partnerUrlsFor } from '../../activities/partners';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import type { RequestLogEntry, SandboxRecords } from '../../sandbox/state';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { caseInput, customer, HOUR, merchant, recordingActivities, supervisor } from '../support/case-fixtures';
import { caseWorker, reach, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const quality = { kind: 'return' as const, reason: 'quality_defect' as const };
const rejected = (p: Promise<unknown>, type: string) => expect(p).rejects.toMatchObject({ cause: { type } });
const OUTAGE_ATTEMPTS = 150;

describe('dispute: request_info to the courier through its adapter (time-skipping, sandbox)', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
    await sandbox?.close();
  });

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
    (await (await fetch(`${sandbox.url}/_control${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json()) as T;

  it('asks the courier for the handover record through injected failures, records its answer once as evidence, refuses an unknown parcel, and keeps the evidence clocks running through a courier outage', async () => {
    await control('POST', '/faults', { route: '/courier/evidence-requests', mode: 'fail', status: 503, times: 2 });
    const { worker, start } = await courierWorker();
    await worker.runUntil(async () => {
      // Evidence deadlines of 2 h, so a courier outage of hours outlasts them.
      const handle = await start(caseInput('dispute-courier', quality, {}, { ...DEFAULT_POLICY, disputeEvidence: { hours: 2 } }));
      await disputeOverParcel(handle, 'SF42');

      // Only staff asks; the courier is asked about the case's own parcel unless told another.
      await rejected(send(handle, 'request_info', { actor: merchant, party: 'courier', request: 'handover record' }), 'role_not_allowed');
      const asked = await send(handle, 'request_info', { actor: supervisor, party: 'courier', request: 'the handover record of the return parcel' });
      expect(asked.dispute?.infoRequests).toEqual([expect.objectContaining({ party: 'courier', trackingNumber: 'SF42', pausedClock: false })]);
      // Asking the courier pauses no party's evidence clock.
      expect(asked.clocks.filter((c) => c.name.startsWith('dispute_evidence_')).map((c) => c.status)).toEqual(['running', 'running']);

      await send(handle, 'request_info', { actor: supervisor, party: 'courier', request: 'the record of this parcel', trackingNumber: 'UNKNOWN-1' });
      let answered = await view(handle);
      for (let i = 0; i < 100 && answered.dispute!.infoRequests.some((r) => !r.answer && r.refused === undefined); i++) {
        await env.sleep(10_000);
        answered = await view(handle);
      }
      const [first, second] = answered.dispute!.infoRequests;
      expect(first.answer).toMatchObject({ kind: 'handover_record', uri: expect.stringMatching(/^courier-evidence:\/\/ev/) });
      expect(first.answer!.events.map((e) => e.event)).toEqual(['picked_up', 'delivered']);
      expect(second).toMatchObject({ trackingNumber: 'UNKNOWN-1', refused: expect.stringContaining('unknown_tracking_number') });
      expect(second.answer).toBeUndefined();
      const received = answered.audit.filter((a) => a.action === 'courier_evidence_received');
      expect(received).toEqual([
        expect.objectContaining({ actor: { id: 'courier', role: 'courier' }, evidence: [expect.objectContaining({ kind: 'tracking', uri: first.answer!.uri })], data: expect.objectContaining({ trackingNumber: 'SF42', request: 1 }) }),
      ]);
      expect(answered.audit.filter((a) => a.action === 'courier_evidence_refused')).toHaveLength(1);

      // One evidence record at the courier through the retries: every attempt carried the request's one key.
      const records = await control<SandboxRecords>('GET', '/records');
      expect(records.courierEvidence).toEqual([expect.objectContaining({ caseId: 'dispute-courier', trackingNumber: 'SF42', idempotencyKey: 'dispute-courier:courier-evidence:1' })]);
      const log = (await control<{ requests: RequestLogEntry[] }>('GET', `/requests?route=${encodeURIComponent('/courier/evidence-requests')}`)).requests;
      expect(log.map((e) => [e.idempotencyKey, e.outcome])).toEqual([
        ['dispute-courier:courier-evidence:1', 'injected_failure'],
        ['dispute-courier:courier-evidence:1', 'injected_failure'],
        ['dispute-courier:courier-evidence:1', 'processed'],
        ['dispute-courier:courier-evidence:2', 'refused'],
      ]);

      // The courier is down for hours (150 failed attempts, at most a minute apart under the activity's backoff): the
      // parties' evidence clocks still fire at their deadline while the third request waits, and its answer arrives once
      // the courier is back.
      await control('POST', '/faults', { route: '/courier/evidence-requests', mode: 'fail', status: 503, times: OUTAGE_ATTEMPTS });
      await send(handle, 'request_info', { actor: supervisor, party: 'courier', request: 'the pickup scan' });
      await env.sleep(2 * HOUR + 60_000);
      const outage = await view(handle);
      expect(outage.dispute).toMatchObject({ phase: 'awaiting_ruling', silentParties: expect.arrayContaining(['customer', 'merchant']) });
      expect(outage.dispute!.infoRequests[2]).toMatchObject({ party: 'courier', trackingNumber: 'SF42' });
      expect(outage.dispute!.infoRequests[2].answer).toBeUndefined();
      let back = outage;
      for (let i = 0; i < 100 && !back.dispute!.infoRequests[2].answer; i++) {
        await env.sleep(10 * 60_000);
        back = await view(handle);
      }
      expect(back.dispute!.infoRequests[2].answer).toMatchObject({ kind: 'handover_record' });
      const evidenceLog = (await control<{ requests: RequestLogEntry[] }>('GET', `/requests?route=${encodeURIComponent('/courier/evidence-requests')}`)).requests.filter((e) => e.idempotencyKey === 'dispute-courier:courier-evidence:3');
      expect(evidenceLog.map((e) => e.outcome)).toEqual([...Array(OUTAGE_ATTEMPTS).fill('injected_failure'), 'processed']);
      expect((await control<SandboxRecords>('GET', '/records')).courierEvidence).toHaveLength(2);

      await send(handle, 'rule_dispute', { actor: supervisor, responsibleParty: 'courier', remedy: 'full_refund', reasons: 'the courier’s handover record shows the parcel weighed as packed at pickup' });
      await env.sleep(HOUR);
      expect((await view(handle)).dispute).toMatchObject({ phase: 'appeal_window', rulings: [{ executed: true, responsibleParty: 'courier', silentParties: expect.arrayContaining(['customer', 'merchant']) }] });
    });
  });

  it('gives the courier its own clock: a request it takes to answer later is answered by its evidence callback, and one it leaves unanswered is escalated at the breach and still taken late', async () => {
    const { worker, start } = await courierWorker();
    await worker.runUntil(async () => {
      const handle = await start(caseInput('dispute-courier-late', quality, {}, { ...DEFAULT_POLICY, disputeCourierEvidence: { hours: 4 } }));
      await disputeOverParcel(handle, 'LATE-SF43');

      // The courier (sandbox: a LATE… parcel) takes the request to answer later; its clock runs, owned by the courier.
      const asked = await send(handle, 'request_info', { actor: supervisor, party: 'courier', request: 'the handover record of the return parcel' });
      expect(asked.clocks.find((c) => c.name === 'dispute_courier_evidence')).toMatchObject({ status: 'running', owner: 'courier', deadline: asked.dispute!.infoRequests[0].at + 4 * HOUR });
      const pending = await untilView(handle, (v) => v.dispute!.infoRequests[0].evidenceRequestId !== undefined);
      const firstId = pending.dispute!.infoRequests[0].evidenceRequestId!;
      expect(pending.audit.find((a) => a.action === 'courier_evidence_pending')).toMatchObject({ actor: { id: 'courier', role: 'courier' }, data: expect.objectContaining({ evidenceRequestId: firstId }) });
      expect(pending.dispute!.infoRequests[0].answer).toBeUndefined();

      // An hour later the courier answers by its callback: recorded on the request and as evidence, the clock satisfied; a repeat and an answer to no request change nothing.
      await env.sleep(HOUR);
      const callback = await control<Record<string, unknown>>('POST', `/courier-evidence-requests/${firstId}/answer`);
      const { caseId: _caseId, ...answer } = callback;
      const event = { ...answer, at: Date.parse(callback.at as string) } as never;
      await handle.signal('courier_event', event);
      await handle.signal('courier_event', event);
      await handle.signal('courier_event', { ...(answer as object), dedupKey: 'other', evidenceRequestId: 'evr_none', at: 0 } as never);
      const answered = await untilView(handle, (v) => v.dispute!.infoRequests[0].answer !== undefined);
      expect(answered.dispute!.infoRequests[0].answer).toMatchObject({ evidenceId: callback.evidenceId, kind: 'handover_record', uri: callback.uri });
      expect(answered.audit.filter((a) => a.action === 'courier_evidence_received')).toEqual([
        expect.objectContaining({ actor: { id: 'courier', role: 'courier' }, evidence: [expect.objectContaining({ uri: callback.uri })], data: expect.objectContaining({ evidenceRequestId: firstId, via: 'callback' }) }),
      ]);
      expect(answered.clocks.find((c) => c.name === 'dispute_courier_evidence')).toMatchObject({ status: 'satisfied' });
      expect(answered.escalations).toEqual([expect.objectContaining({ to: 'platform' })]);

      // A second request the courier leaves unanswered: at its deadline the platform is told; its answer is still taken late.
      await send(handle, 'request_info', { actor: supervisor, party: 'courier', request: 'the pickup scan' });
      const second = await untilView(handle, (v) => v.dispute!.infoRequests[1]?.evidenceRequestId !== undefined);
      await env.sleep(4 * HOUR + 60_000);
      const late = await view(handle);
      expect(late.clocks.find((c) => c.name === 'dispute_courier_evidence')).toMatchObject({ status: 'breached' });
      expect(late.escalations.at(-1)).toMatchObject({ to: 'platform', clock: 'dispute_courier_evidence' });
      expect(late.audit.filter((a) => a.action === 'sla_breached').map((a) => a.data?.clock)).toContain('dispute_courier_evidence');
      expect(late.openBreaches).toEqual(expect.arrayContaining([expect.objectContaining({ clock: 'dispute_courier_evidence', owingParty: 'courier' })]));
      const lateAnswer = await control<Record<string, unknown>>('POST', `/courier-evidence-requests/${second.dispute!.infoRequests[1].evidenceRequestId}/answer`);
      const { caseId: _id, ...lateEvent } = lateAnswer;
      await handle.signal('courier_event', { ...lateEvent, at: Date.parse(lateAnswer.at as string) } as never);
      const taken = await untilView(handle, (v) => v.dispute!.infoRequests[1].answer !== undefined);
      expect(taken.dispute!.infoRequests[1].answer).toMatchObject({ evidenceId: lateAnswer.evidenceId });
      expect(taken.clocks.find((c) => c.name === 'dispute_courier_evidence')).toMatchObject({ status: 'breached', satisfiedAt: expect.any(Number) });
      expect((taken.openBreaches ?? []).map((b) => b.clock)).not.toContain('dispute_courier_evidence');
    });
  });

  /** A case worker whose courier evidence requests go to the sandbox through the real adapter. */
  function courierWorker() {
    const real = createPartnerActivities({ urls: partnerUrlsFor(sandbox.url) });
    return caseWorker(env, recordingActivities({ requestCourierEvidence: real.requestCourierEvidence }).activities);
  }

  /** The goods go back as `tracking` and arrive; the merchant finds the parcel empty and the customer asks the platform. */
  async function disputeOverParcel(handle: CaseHandle, tracking: string) {
    await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
    await send(handle, 'ship_back', { actor: customer, trackingNumber: tracking });
    await handle.signal('courier_event', { dedupKey: `${tracking}-delivered`, trackingNumber: tracking, event: 'delivered', at: 0 });
    await reach(handle, 'awaiting_inspection');
    await send(handle, 'inspect', { actor: merchant, result: 'rejected', findings: 'the parcel arrived empty' });
    await send(handle, 'request_intervention', { actor: customer, reason: 'I packed the kettle; ask the courier' });
  }

  /** Polls the case (skipping 10 s of workflow time each round) until `done` holds: the courier's adapter runs beside it. */
  async function untilView(handle: CaseHandle, done: (v: Awaited<ReturnType<typeof view>>) => boolean) {
    for (let i = 0; i < 100; i++) {
      const v = await view(handle);
      if (done(v)) return v;
      await env.sleep(10_000);
    }
    throw new Error(`case ${handle.workflowId} never got there`);
  }
});
