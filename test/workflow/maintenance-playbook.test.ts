import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { KindDetails } from '../../workflows/domain/case';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { agent, caseInput, customer, HOUR, order, recordingActivities } from '../support/case-fixtures';
import { caseWorker, reach, send, view } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const DAY = 24 * HOUR;
const details: KindDetails = { kind: 'maintenance', packageSku: 'care-1' };
const withPackage = order({
  paidAmountCents: 25_900,
  items: [
    { sku: 'sku-1', name: 'Kettle', quantity: 1, unitPriceCents: 19_900 },
    { sku: 'care-1', name: 'Descaling service', quantity: 1, unitPriceCents: 6_000 },
  ],
});

describe('maintenance playbook (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown();
  });

  it('books a future slot with the provider, reminds the customer the day before, reschedules up to the limit, completes with the service record', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('maintenance-happy', details, { order: withPackage }));
      await reach(handle, 'awaiting_booking');
      const now = await env.currentTimeMs();
      await expect(send(handle, 'book_service', { actor: customer, slotAt: now - HOUR })).rejects.toMatchObject({ cause: { type: 'slot_in_past' } });
      expect((await view(handle)).status).toBe('awaiting_booking');
      await send(handle, 'book_service', { actor: customer, slotAt: now + 3 * DAY });
      await reach(handle, 'service_booked');
      await env.sleep(HOUR);
      expect(fake.named('bookService')).toEqual([expect.objectContaining({ idempotencyKey: 'maintenance-happy:service-booking:1', packageSku: 'care-1', slotAt: now + 3 * DAY })]);
      expect((await view(handle)).facts.serviceBookingId).toBe('bk-maintenance-happy:service-booking:1');

      await send(handle, 'reschedule_service', { actor: customer, slotAt: now + 5 * DAY });
      await send(handle, 'reschedule_service', { actor: agent, slotAt: now + 6 * DAY, reason: 'customer called' });
      await expect(send(handle, 'reschedule_service', { actor: customer, slotAt: now + 8 * DAY })).rejects.toMatchObject({ cause: { type: 'reschedule_limit_reached' } });
      await env.sleep(HOUR);
      expect(fake.named('bookService').map((b) => [b.idempotencyKey, b.slotAt])).toEqual([
        ['maintenance-happy:service-booking:1', now + 3 * DAY],
        ['maintenance-happy:service-booking:2', now + 5 * DAY],
        ['maintenance-happy:service-booking:3', now + 6 * DAY],
      ]);
      const reminders = () => fake.named('notifyCustomer').filter((n) => n.template === 'service_reminder');
      await env.sleep(4 * DAY);
      expect(reminders()).toEqual([]);
      await env.sleep(DAY);
      expect(reminders()).toHaveLength(1);
      expect((await view(handle)).clocks.find((c) => c.name === 'service_visit')).toMatchObject({ status: 'running', warned: true, owner: 'repair_provider', deadline: now + 7 * DAY });

      await send(handle, 'record_service', { actor: agent, outcome: 'completed', serviceRecord: 'descaled, seals replaced', evidence: [{ kind: 'document', uri: 'evidence://service-sheet-1' }] });
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'serviced', facts: { serviceRecord: 'descaled, seals replaced' } });
      expect(closed.audit.find((a) => a.action === 'service_completed')?.evidence).toEqual([{ kind: 'document', uri: 'evidence://service-sheet-1' }]);
    });
  });

  it('a provider that does not show up is escalated and the visit rebooked; customer no-shows past the limit close the case', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    const policy = { ...DEFAULT_POLICY, version: 'test-maintenance', maintenanceRescheduleLimit: 1 };
    await worker.runUntil(async () => {
      const handle = await start(caseInput('maintenance-no-shows', details, { order: withPackage }, policy));
      await reach(handle, 'awaiting_booking');
      let now = await env.currentTimeMs();
      await send(handle, 'book_service', { actor: customer, slotAt: now + DAY });
      await env.sleep(2 * DAY + HOUR);
      const rebook = await view(handle);
      expect(rebook.status).toBe('awaiting_booking');
      expect(rebook.escalations).toEqual([expect.objectContaining({ to: 'platform', clock: 'service_visit' })]);
      expect(rebook.clocks.find((c) => c.name === 'service_visit')?.status).toBe('breached');

      now = await env.currentTimeMs();
      await send(handle, 'book_service', { actor: customer, slotAt: now + DAY });
      await send(handle, 'record_service', { actor: agent, outcome: 'customer_no_show' });
      expect((await view(handle)).status).toBe('awaiting_booking');
      await send(handle, 'book_service', { actor: customer, slotAt: now + 2 * DAY });
      await send(handle, 'record_service', { actor: agent, outcome: 'customer_no_show' });
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'customer_no_show', facts: { serviceReschedules: 2 } });

      const none = await start(caseInput('maintenance-no-package', details));
      expect(await reach(none, 'closed')).toMatchObject({ outcome: 'rejected' });
    });
  });

  it('the provider reports the visit by callback: a stale booking and repeats are ignored, a no-show rebooks, completion closes with the service record', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('maintenance-callbacks', details, { order: withPackage }));
      await reach(handle, 'awaiting_booking');
      let now = await env.currentTimeMs();
      await send(handle, 'book_service', { actor: customer, slotAt: now + DAY });
      await env.sleep(HOUR);
      const first = (await view(handle)).facts.serviceBookingId!;
      expect(first).toBe('bk-maintenance-callbacks:service-booking:1');
      const report = (dedupKey: string, event: Record<string, unknown>) => handle.signal('service_event', { dedupKey, ...event } as never);

      await report('svc-0', { bookingId: 'bk-other', event: 'completed', serviceRecord: 'not this one' });
      await report('svc-1', { bookingId: first, event: 'customer_no_show', note: 'nobody at home' });
      await report('svc-1', { bookingId: first, event: 'customer_no_show', note: 'nobody at home' });
      const missed = await reach(handle, 'awaiting_booking');
      expect(missed.facts.serviceReschedules).toBe(1);
      expect(missed.audit.filter((a) => a.action === 'customer_no_show')).toEqual([expect.objectContaining({ actor: { id: 'repair-provider', role: 'repair_provider' }, reason: 'nobody at home' })]);
      expect(missed.audit.filter((a) => a.action === 'service_event_ignored')).toHaveLength(1);
      expect(missed.clocks.find((c) => c.name === 'service_visit')?.status).toBe('satisfied');

      now = await env.currentTimeMs();
      await send(handle, 'book_service', { actor: customer, slotAt: now + DAY });
      await env.sleep(HOUR);
      const second = (await view(handle)).facts.serviceBookingId!;
      await report('svc-2', { bookingId: first, event: 'provider_no_show' });
      await report('svc-3', { bookingId: second, event: 'provider_no_show', note: 'technician ill' });
      const rebook = await reach(handle, 'awaiting_booking');
      expect(rebook.escalations).toEqual([expect.objectContaining({ to: 'platform', clock: 'service_visit' })]);
      expect(rebook.facts.serviceReschedules).toBe(1);

      now = await env.currentTimeMs();
      await send(handle, 'book_service', { actor: customer, slotAt: now + DAY });
      await env.sleep(HOUR);
      const third = (await view(handle)).facts.serviceBookingId!;
      await env.sleep(DAY - HOUR);
      const sheet = [{ kind: 'document' as const, uri: 'evidence://service-sheet-3' }];
      await report('svc-4', { bookingId: third, event: 'completed', serviceRecord: 'descaled, filter changed', evidence: sheet });
      await report('svc-4', { bookingId: third, event: 'completed', serviceRecord: 'descaled, filter changed', evidence: sheet });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'serviced', facts: { serviceRecord: 'descaled, filter changed' } });
      expect(closed.audit.filter((a) => a.action === 'service_completed')).toEqual([expect.objectContaining({ evidence: sheet, actor: { id: 'repair-provider', role: 'repair_provider' } })]);
      expect(closed.clocks.find((c) => c.name === 'service_visit')?.status).toBe('satisfied');
      expect(closed.escalations).toHaveLength(1);
    });
  });
});
