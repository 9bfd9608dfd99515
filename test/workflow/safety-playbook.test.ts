import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CaseView } from '../../workflows/domain/case';
import { getAuditQuery } from '../../workflows/messages';
import { agent, caseInput, customer, HOUR, MINUTE, recordingActivities, supervisor } from '../support/case-fixtures';
import { caseWorker, durableEvents, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const safetyDetails = { kind: 'safety' as const, hazard: 'kettle base overheats and melts', affectedOrderIds: ['order-1'], relatedCaseIds: ['case-a'] };

const emergencyClock = (v: CaseView) => v.clocks.find((c) => c.name === 'emergency_start')!;

/** Waits until the workflow has recorded the opening page (the activity running is not enough: its result may still be on its way). */
async function paged(handle: CaseHandle): Promise<CaseView> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const current = await view(handle);
    if (current.audit.some((a) => a.action === 'paged')) return current;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`case ${handle.workflowId} never recorded its page`);
}

describe('safety incident playbook (time-skipping)', () => {
  // A test server per test: a case that a finished test left with an activity in flight keeps the shared server from
  // skipping time in the next test.
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown().catch(() => undefined);
  });

  it('pages the safety owner on open, and at 2 hours without an emergency process escalates to the platform and pages again, not before', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const handle = await start(caseInput('safety-no-start', safetyDetails, { receivedAt }));
      const opened = await paged(handle);
      expect(opened.status).toBe('awaiting_emergency_start');
      expect(emergencyClock(opened)).toMatchObject({ status: 'running', deadline: receivedAt + 2 * HOUR, owner: 'safety_owner' });
      expect(fake.named('pageOnCall')).toEqual([expect.objectContaining({ severity: 'critical', caseId: 'safety-no-start' })]);
      await env.sleep(2 * HOUR - MINUTE);
      const before = await view(handle);
      expect(emergencyClock(before).status).toBe('running');
      expect(before.escalations).toEqual([]);
      expect(fake.named('pageOnCall')).toHaveLength(1);
      await env.sleep(2 * MINUTE);
      const after = await view(handle);
      expect(emergencyClock(after).status).toBe('breached');
      expect(after).toMatchObject({ escalated: true, breached: true, status: 'awaiting_emergency_start' });
      expect(after.escalations).toEqual([expect.objectContaining({ to: 'platform', clock: 'emergency_start' })]);
      expect(fake.named('pageOnCall').map((p) => p.severity)).toEqual(['critical', 'critical']);
      expect(after.audit.filter((a) => a.action === 'paged').map((a) => a.data?.event)).toEqual(['incident_opened', 'emergency_start_breached']);
      // A late start is still accepted and recorded.
      const started = await send(handle, 'start_emergency', { actor: { id: 'senior-1', role: 'senior_agent' }, plan: 'pull listing, recall notice' });
      expect(started.status).toBe('emergency_in_progress');
      expect(emergencyClock(started).status).toBe('breached');
    });
  });

  it('counts the 2 hours from receipt when the incident reached the workflow late', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = (await env.currentTimeMs()) - 90 * MINUTE;
      const handle = await start(caseInput('safety-received-earlier', safetyDetails, { receivedAt }));
      await paged(handle);
      expect(emergencyClock(await view(handle)).deadline).toBe(receivedAt + 2 * HOUR);
      await env.sleep(29 * MINUTE);
      expect(emergencyClock(await view(handle)).status).toBe('running');
      await env.sleep(2 * MINUTE);
      expect((await view(handle)).escalations).toEqual([expect.objectContaining({ to: 'platform', clock: 'emergency_start' })]);
    });
  });

  it('links affected orders and cases, starts the emergency process in time, closes when a supervisor resolves it, then records the survey', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const handle = await start(caseInput('safety-happy', safetyDetails, { receivedAt }));
      const opened = await paged(handle);
      expect(opened.audit.map((a) => a.action)).toEqual(['incident_opened', 'paged']);
      expect(opened.audit[0]).toMatchObject({ action: 'incident_opened', toStatus: 'awaiting_emergency_start', data: { affectedOrderIds: ['order-1'], relatedCaseIds: ['case-a'] } });

      const linked = await send(handle, 'link_affected', { actor: agent, orderIds: ['order-2', 'order-1'], caseIds: ['case-b'] });
      expect(linked.details).toMatchObject({ affectedOrderIds: ['order-1', 'order-2'], relatedCaseIds: ['case-a', 'case-b'] });
      expect(linked.audit.at(-1)).toMatchObject({ action: 'affected_linked', data: { orderIds: ['order-2'], caseIds: ['case-b'] } });

      await env.sleep(90 * MINUTE);
      const started = await send(handle, 'start_emergency', { actor: agent, plan: 'pull the listing; notify buyers of affected orders' });
      expect(started).toMatchObject({ status: 'emergency_in_progress', facts: { emergencyPlan: 'pull the listing; notify buyers of affected orders' } });
      expect(emergencyClock(started).status).toBe('satisfied');

      await send(handle, 'link_affected', { actor: supervisor, orderIds: ['order-3'] });
      const closed = await send(handle, 'resolve_incident', { actor: supervisor, summary: 'batch recalled, buyers refunded' });
      expect(closed).toMatchObject({ status: 'closed', outcome: 'resolved', escalated: false, breached: false });
      expect(closed.details).toMatchObject({ affectedOrderIds: ['order-1', 'order-2', 'order-3'], relatedCaseIds: ['case-a', 'case-b'] });
      expect(fake.named('pageOnCall')).toHaveLength(1);

      await env.sleep(HOUR);
      await send(handle, 'answer_survey', { actor: customer, rating: 5 });
      const result = await handle.result();
      expect(result.survey).toMatchObject({ rating: 5 });
      expect(result.audit.map((a) => a.action)).toEqual([
        'incident_opened',
        'paged',
        'affected_linked',
        'emergency_started',
        'affected_linked',
        'incident_resolved',
        'survey_sent',
        'survey_answered',
      ]);
      expect(fake.named('notifyCustomer').map((n) => n.template)).toEqual(['incident_resolved', 'satisfaction_survey']);
      expect(fake.named('notifyMerchant').map((n) => n.event)).toEqual(['safety_incident']);
    });
  });

  it('rejects invalid commands in the validator, leaving history untouched', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const handle = await start(caseInput('safety-invalid', safetyDetails, { receivedAt }));
      await paged(handle);
      const before = await durableEvents(handle);
      const auditBefore = await handle.query(getAuditQuery);

      const early = send(handle, 'resolve_incident', { actor: supervisor, summary: 'too early' });
      await expect(early).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(early).rejects.toMatchObject({ cause: { type: 'invalid_transition' } });
      await expect(send(handle, 'start_emergency', { actor: customer, plan: 'x' })).rejects.toMatchObject({ cause: { type: 'role_not_allowed' } });
      await expect(send(handle, 'start_emergency', { actor: agent, plan: ' ' })).rejects.toMatchObject({ cause: { type: 'invalid_payload' } });
      await expect(send(handle, 'link_affected', { actor: agent })).rejects.toMatchObject({ cause: { type: 'invalid_payload' } });

      expect(await durableEvents(handle)).toEqual(before);
      expect(await handle.query(getAuditQuery)).toEqual(auditBefore);

      await send(handle, 'start_emergency', { actor: agent, plan: 'isolate stock' });
      await expect(send(handle, 'resolve_incident', { actor: agent, summary: 'done' })).rejects.toMatchObject({ cause: { type: 'role_not_allowed' } });
    });
  });
});
