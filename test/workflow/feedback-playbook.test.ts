import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CaseView } from '../../workflows/domain/case';
import { getAuditQuery } from '../../workflows/messages';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { addWorkingDays } from '../../workflows/sla/calendar';
import { agent, caseInput, customer, HOUR, MINUTE, recordingActivities, senior } from '../support/case-fixtures';
import { caseWorker, durableEvents, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const feedbackDetails = { kind: 'feedback' as const, feedbackType: 'logistics' as const, desiredResolution: 'deliver the parcel', impact: 'gift missed the birthday' };

const clock = (v: CaseView, name: string) => v.clocks.find((c) => c.name === name)!;
const escalationsFor = (v: CaseView, name: string) => v.escalations.filter((e) => e.clock === name);

describe('feedback playbook (time-skipping)', () => {
  // A test server per test: a case that a finished test left with an activity in flight keeps the shared server from
  // skipping time in the next test.
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown().catch(() => undefined);
  });

  /** Registers, responds, investigates, proposes and approves: the case then waits for the reply. */
  async function toApproved(handle: CaseHandle) {
    await send(handle, 'register', { actor: agent, priority: 'normal' });
    await send(handle, 'respond', { actor: agent, message: 'We are looking into it.' });
    await send(handle, 'record_investigation', { actor: agent, findings: 'courier lost the parcel', responsibleParty: 'courier' });
    await send(handle, 'propose_solution', { actor: agent, solution: 'reship with express delivery', amountCents: 0 });
    return send(handle, 'approve_solution', { actor: senior });
  }

  it('alerts the CS lead and flags the case late when it is not registered within 30 minutes, and not before', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const handle = await start(caseInput('feedback-late-registration', feedbackDetails, { receivedAt }));
      const opened = await view(handle);
      expect(opened.status).toBe('submitted');
      expect(clock(opened, 'registration')).toMatchObject({ status: 'running', deadline: receivedAt + 30 * MINUTE, owner: 'agent' });
      await env.sleep(29 * MINUTE);
      const before = await view(handle);
      expect(clock(before, 'registration').status).toBe('running');
      expect(before.facts.late).toBeUndefined();
      expect(before.escalations).toEqual([]);
      await env.sleep(2 * MINUTE);
      const after = await view(handle);
      expect(clock(after, 'registration').status).toBe('breached');
      expect(after.facts.late).toBe(true);
      expect(after.breached).toBe(true);
      expect(escalationsFor(after, 'registration').map((e) => e.to)).toEqual(['cs_lead', 'senior_agent']);
      expect(after.status).toBe('submitted');
      // The escalations reach someone: the CS lead is paged, the senior agents' queue gets a message.
      for (let i = 0; i < 50 && (fake.named('pageOnCall').length < 1 || fake.named('notifyStaff').length < 1); i++) await new Promise((r) => setTimeout(r, 100));
      expect(fake.named('pageOnCall')).toEqual([expect.objectContaining({ severity: 'high', caseId: 'feedback-late-registration' })]);
      expect(fake.named('notifyStaff')).toEqual([expect.objectContaining({ role: 'senior_agent' })]);
      // Registering late still works; the clock stays breached.
      const registered = await send(handle, 'register', { actor: agent, priority: 'high' });
      expect(registered).toMatchObject({ status: 'registered', ticketNumber: 'FB-feedback-late-registration', priority: 'high' });
      expect(clock(registered, 'registration').status).toBe('breached');
    });
  });

  it('counts the registration limit from receipt when the ticket reached the workflow late', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = (await env.currentTimeMs()) - 20 * MINUTE;
      const handle = await start(caseInput('feedback-received-earlier', feedbackDetails, { receivedAt }));
      const opened = await view(handle);
      expect(clock(opened, 'registration').deadline).toBe(receivedAt + 30 * MINUTE);
      expect(clock(opened, 'first_response').deadline).toBe(receivedAt + 24 * HOUR);
      expect(clock(opened, 'initial_investigation').deadline).toBe(addWorkingDays(receivedAt, 1, DEFAULT_POLICY.calendar));
      await env.sleep(9 * MINUTE);
      expect(clock(await view(handle), 'registration').status).toBe('running');
      await env.sleep(2 * MINUTE);
      const after = await view(handle);
      expect(clock(after, 'registration').status).toBe('breached');
      expect(after.facts.late).toBe(true);
    });
  });

  it('escalates to a senior agent when there is no first response within 24 hours, and not before', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const handle = await start(caseInput('feedback-no-response', feedbackDetails, { receivedAt, channel: 'phone' }));
      const registered = await send(handle, 'register', { actor: agent, priority: 'normal', ticketNumber: 'T-100' });
      expect(registered).toMatchObject({ status: 'registered', ticketNumber: 'T-100' });
      expect(clock(registered, 'registration').status).toBe('satisfied');
      expect(clock(registered, 'first_response').deadline).toBe(receivedAt + 24 * HOUR);
      await env.sleep(23 * HOUR);
      const before = await view(handle);
      expect(clock(before, 'first_response').status).toBe('running');
      expect(escalationsFor(before, 'first_response')).toEqual([]);
      await env.sleep(2 * HOUR);
      const after = await view(handle);
      expect(clock(after, 'first_response').status).toBe('breached');
      expect(escalationsFor(after, 'first_response')).toEqual([expect.objectContaining({ to: 'senior_agent' })]);
      expect(after.facts.late).toBeUndefined();
      expect((await send(handle, 'respond', { actor: senior, message: 'Sorry for the wait.' })).status).toBe('investigating');
    });
  });

  it('escalates an initial investigation not done within 1 working day, counted on the business calendar across holidays', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      // The next two local days (Asia/Shanghai, UTC+8) are holidays: the working day comes after them (and after any weekend).
      const day = (offset: number) => new Date(receivedAt + 8 * HOUR + offset * 24 * HOUR).toISOString().slice(0, 10);
      const calendar = { ...DEFAULT_POLICY.calendar, holidays: [day(1), day(2)], extraWorkingDays: [] };
      const policy = { ...DEFAULT_POLICY, version: 'test-feedback-holidays', calendar };
      const handle = await start(caseInput('feedback-slow-investigation', feedbackDetails, { receivedAt }, policy));
      await send(handle, 'register', { actor: agent, priority: 'normal' });
      const responded = await send(handle, 'respond', { actor: agent, message: 'We are looking into it.' });
      expect(responded.status).toBe('investigating');
      const investigation = clock(responded, 'initial_investigation');
      expect(investigation.deadline).toBe(addWorkingDays(receivedAt, 1, calendar));
      expect(investigation.deadline - receivedAt).toBeGreaterThanOrEqual(3 * 24 * HOUR);
      await env.sleep(investigation.deadline - (await env.currentTimeMs()) - HOUR);
      const before = await view(handle);
      expect(clock(before, 'initial_investigation').status).toBe('running');
      expect(before.escalations).toEqual([]);
      await env.sleep(2 * HOUR);
      const after = await view(handle);
      expect(clock(after, 'initial_investigation').status).toBe('breached');
      expect(after.escalations).toEqual([expect.objectContaining({ to: 'senior_agent', clock: 'initial_investigation' })]);
      expect(after.status).toBe('investigating');
    });
  });

  it('escalates a reply not sent within 2 working days of approval, then closes without confirmation after the policy timeout', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const handle = await start(caseInput('feedback-slow-reply', feedbackDetails, { receivedAt }));
      const approved = await toApproved(handle);
      expect(approved.status).toBe('approved');
      const reply = clock(approved, 'solution_reply');
      expect(reply.deadline).toBe(addWorkingDays(reply.startedAt, 2, DEFAULT_POLICY.calendar));
      expect(reply.deadline - reply.startedAt).toBeGreaterThanOrEqual(48 * HOUR);
      await env.sleep(reply.deadline - (await env.currentTimeMs()) - HOUR);
      const before = await view(handle);
      expect(clock(before, 'solution_reply').status).toBe('running');
      expect(before.escalations).toEqual([]);
      await env.sleep(2 * HOUR);
      const after = await view(handle);
      expect(clock(after, 'solution_reply').status).toBe('breached');
      expect(after.escalations).toEqual([expect.objectContaining({ to: 'senior_agent', clock: 'solution_reply' })]);

      const replied = await send(handle, 'reply_solution', { actor: senior, message: 'We reship by express today.' });
      expect(replied.status).toBe('awaiting_confirmation');
      await env.sleep(7 * 24 * HOUR - HOUR);
      expect((await view(handle)).status).toBe('awaiting_confirmation');
      await env.sleep(2 * HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'closed_without_confirmation' });
      expect(fake.named('notifyCustomer').map((n) => n.template)).toEqual(['feedback_received', 'closed_without_confirmation', 'satisfaction_survey']);
    });
  });

  it('walks a ticket from receipt to a confirmed resolution, re-investigating once when the customer is not satisfied, then records the survey', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const handle = await start(caseInput('feedback-happy', feedbackDetails, { receivedAt, channel: 'email' }));
      const opened = await view(handle);
      expect(clock(opened, 'initial_investigation').deadline).toBe(addWorkingDays(receivedAt, 1, DEFAULT_POLICY.calendar));

      const registered = await send(handle, 'register', { actor: agent, priority: 'normal' });
      expect(registered).toMatchObject({ ticketNumber: 'FB-feedback-happy', priority: 'normal' });
      expect(registered.audit.at(-1)).toMatchObject({ action: 'registered', data: { feedbackType: 'logistics', channel: 'email', receivedAt } });
      await env.sleep(10 * MINUTE);
      await send(handle, 'respond', { actor: agent, message: 'We are looking into it.' });
      await send(handle, 'record_investigation', { actor: agent, findings: 'courier lost the parcel', responsibleParty: 'courier' });
      await send(handle, 'propose_solution', { actor: agent, solution: 'reship with express delivery' });
      const approved = await send(handle, 'approve_solution', { actor: senior });
      expect(approved).toMatchObject({ status: 'approved', responsibleParty: 'courier' });
      await send(handle, 'reply_solution', { actor: agent, message: 'We reship by express today.' });

      const rejected = await send(handle, 'confirm_resolution', { actor: customer, resolved: false, reason: 'the reship never came' });
      expect(rejected.status).toBe('investigating');
      expect(rejected.escalations).toEqual([expect.objectContaining({ to: 'senior_agent', reason: 'the reship never came' })]);
      expect(clock(rejected, 'initial_investigation')).toMatchObject({ status: 'running' });

      await send(handle, 'record_investigation', { actor: senior, findings: 'reship stuck at the depot' });
      await send(handle, 'propose_solution', { actor: senior, solution: 'refund the shipping and deliver by hand' });
      await send(handle, 'approve_solution', { actor: { id: 'sup-1', role: 'supervisor' } });
      await send(handle, 'reply_solution', { actor: senior, message: 'Delivered by hand today.' });
      const closed = await send(handle, 'confirm_resolution', { actor: customer, resolved: true });
      expect(closed).toMatchObject({ status: 'closed', outcome: 'resolved', breached: false });
      expect(closed.clocks.every((c) => c.status === 'satisfied')).toBe(true);
      // The senior agent's queue was told of the escalation, beside the case (so its audit entry has no fixed place).
      expect(closed.audit.filter((a) => a.action === 'escalation_notified')).toEqual([expect.objectContaining({ data: expect.objectContaining({ to: 'senior_agent' }) })]);
      expect(fake.named('notifyStaff')).toEqual([expect.objectContaining({ role: 'senior_agent', caseId: 'feedback-happy' })]);
      expect(closed.audit.map((a) => a.action).filter((a) => a !== 'escalation_notified')).toEqual([
        'feedback_received',
        'registered',
        'responded',
        'investigation_recorded',
        'solution_proposed',
        'solution_approved',
        'solution_replied',
        'resolution_rejected',
        'escalated',
        'reinvestigation_started',
        'investigation_recorded',
        'solution_proposed',
        'solution_approved',
        'solution_replied',
        'resolution_confirmed',
      ]);

      await env.sleep(HOUR);
      await send(handle, 'answer_survey', { actor: customer, rating: 4, comment: 'slow, but solved' });
      const result = await handle.result();
      expect(result.survey).toMatchObject({ rating: 4, comment: 'slow, but solved' });
      expect(result.audit.map((a) => a.action).slice(-2)).toEqual(['survey_sent', 'survey_answered']);
      expect(fake.named('notifyCustomer').map((n) => n.template)).toEqual(['feedback_received', 'satisfaction_survey']);
      expect(fake.projections.get('feedback-happy')?.version).toBe(result.version);
    });
  });

  it('rejects a reply before approval and other invalid commands in the validator, leaving history untouched', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const handle = await start(caseInput('feedback-invalid', feedbackDetails, { receivedAt }));
      await send(handle, 'register', { actor: agent, priority: 'normal' });
      await send(handle, 'respond', { actor: agent, message: 'We are looking into it.' });
      await send(handle, 'record_investigation', { actor: agent, findings: 'courier lost the parcel' });
      await send(handle, 'propose_solution', { actor: agent, solution: 'reship' });
      const before = await durableEvents(handle);
      const auditBefore = await handle.query(getAuditQuery);

      const early = send(handle, 'reply_solution', { actor: agent, message: 'too early' });
      await expect(early).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(early).rejects.toMatchObject({ cause: { type: 'invalid_transition' } });
      await expect(send(handle, 'approve_solution', { actor: agent })).rejects.toMatchObject({ cause: { type: 'role_not_allowed' } });
      await expect(send(handle, 'approve_solution', { actor: { id: 'agent-7', role: 'senior_agent' } })).rejects.toMatchObject({ cause: { type: 'self_approval' } });
      await expect(send(handle, 'confirm_resolution', { actor: customer, resolved: true })).rejects.toMatchObject({ cause: { type: 'invalid_transition' } });

      expect(await durableEvents(handle)).toEqual(before);
      expect(await handle.query(getAuditQuery)).toEqual(auditBefore);
      expect((await view(handle)).status).toBe('awaiting_approval');
    });
  });

  it('re-times the open clocks when the priority changes under a version with overrides: urgent is escalated sooner', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const receivedAt = await env.currentTimeMs();
      const policyRules = {
        version: 'test-rules',
        base: { ...DEFAULT_POLICY, version: 'test-rules' },
        overrides: [{ name: 'urgent-feedback', match: { kinds: ['feedback' as const], priorities: ['urgent' as const] }, set: { firstResponse: { hours: 4 } } }],
      };
      const handle = await start(caseInput('feedback-urgent', feedbackDetails, { receivedAt, policyRules }, policyRules.base));
      expect(clock(await view(handle), 'first_response').deadline).toBe(receivedAt + 24 * HOUR);
      await env.sleep(HOUR);
      const registered = await send(handle, 'register', { actor: agent, priority: 'urgent' });
      // Counted from receipt, like the clock it replaces; the investigation's limit is the same and keeps its deadline.
      expect(clock(registered, 'first_response').deadline).toBe(receivedAt + 4 * HOUR);
      expect(registered.policyOverride).toBe('urgent-feedback');
      expect(registered.audit.find((a) => a.action === 'clocks_retimed')?.data).toEqual({
        priority: 'urgent',
        policyOverride: 'urgent-feedback',
        clocks: [{ clock: 'first_response', from: receivedAt + 24 * HOUR, to: receivedAt + 4 * HOUR }],
      });
      await env.sleep(2 * HOUR + 30 * MINUTE);
      expect(clock(await view(handle), 'first_response').status).toBe('running');
      await env.sleep(HOUR);
      const late = await view(handle);
      expect(clock(late, 'first_response').status).toBe('breached');
      expect(escalationsFor(late, 'first_response').map((e) => e.to)).toEqual(['senior_agent']);

      const openedUrgent = await env.currentTimeMs();
      const other = await start(caseInput('feedback-downgraded', feedbackDetails, { receivedAt: openedUrgent, policyRules, priority: 'urgent', policyOverride: 'urgent-feedback' }, { ...policyRules.base, firstResponse: { hours: 4 } }));
      expect(clock(await view(other), 'first_response').deadline).toBe(openedUrgent + 4 * HOUR);
      const lowered = await send(other, 'change_priority', { actor: { id: 'lead-1', role: 'supervisor' }, priority: 'low', reason: 'a routine question after all' });
      expect(clock(lowered, 'first_response').deadline).toBe(openedUrgent + 24 * HOUR);
      expect(lowered.policyOverride).toBeUndefined();
    });
  });
});
