/**
 * 保养服务 (issue 9; seed 001 保养服务): a maintenance package bought with the order. The customer (or staff) books the
 * provider for a slot (never in the past); the customer is reminded before it (policy.maintenanceReminderBefore); the
 * booking can be moved up to policy.maintenanceRescheduleLimit times. At the visit staff record its outcome: completed
 * with the service record (closed 'serviced'), a customer no-show (counts as a reschedule; past the limit the case
 * closes 'customer_no_show'), or a provider no-show (escalated to the platform, rebooked, not counted). No outcome
 * within policy.maintenanceNoShowGrace of the slot counts as a provider no-show. The provider reports the same outcomes
 * itself by POST /callbacks/service (service_event signals, deduplicated; for the current booking only), staff's
 * record_service keeps working beside it: whichever comes first decides the visit.
 */
import type { CommandPayloads, ServiceEvent } from '../../messages';
import { SYSTEM_ACTOR, type Actor } from '../../domain/parties';
import { workflowNow } from '../../clock-source';
import { partnerActions } from '../../case/activities';
import { defineClock, type ClockDefinition } from '../../case/clock-definition';
import type { CaseContext } from '../../case/context';
import { CASE_STAFF, commandRejected, type Playbook } from '../../case/playbook';
import { addDuration } from '../../sla/calendar';

export const MAINTENANCE_STATUS = { submitted: 'submitted', booking: 'awaiting_booking', booked: 'service_booked' } as const;

const SLOT_CLOCK = 'service_visit';

function maintenanceDetails(ctx: CaseContext): { packageSku: string; serviceAddress?: string } {
  const d = ctx.input.details;
  if (d.kind !== 'maintenance') throw new Error(`not a maintenance case: ${d.kind}`);
  return d;
}

/** The provider owes the visit at the slot (its outcome recorded within the grace after it); the customer is reminded before. */
const SERVICE_VISIT = defineClock({
  name: SLOT_CLOCK,
  owner: 'repair_provider',
  terms: (policy) => ({ limit: policy.maintenanceNoShowGrace, ...(policy.maintenanceReminderBefore && { warnBefore: policy.maintenanceReminderBefore }), breachAction: 'provider_no_show' }),
  warn: (ctx) => ctx.effects.notifyCustomer('service_reminder', { slotAt: ctx.view.facts.serviceSlotAt ?? 0 }, `service-reminder:${ctx.view.facts.serviceBookings ?? 0}`),
  breach: (ctx) => providerNoShow(ctx, SYSTEM_ACTOR, 'no visit was recorded within the grace after the slot'),
});

/** The visit clock for this slot: the deadline is the slot plus the grace, the reminder before the deadline's slot. */
function visitClock(ctx: CaseContext, slotAt: number): ClockDefinition {
  const grace = ctx.policy.maintenanceNoShowGrace;
  const deadline = addDuration(slotAt, grace, ctx.policy.calendar);
  const graceMs = deadline - slotAt;
  const reminder = ctx.policy.maintenanceReminderBefore;
  const reminderMs = reminder ? ((reminder.hours ?? 0) * 60 + (reminder.minutes ?? 0)) * 60_000 : undefined;
  return {
    ...SERVICE_VISIT,
    terms: () => ({
      limit: { minutes: Math.max(0, deadline - workflowNow()) / 60_000 },
      ...(reminderMs !== undefined && { warnBefore: { minutes: (reminderMs + graceMs) / 60_000 } }),
      breachAction: 'provider_no_show',
    }),
  };
}

function checkSlot(slotAt: number): void {
  if (slotAt <= workflowNow()) throw commandRejected('slot_in_past', `slotAt: ${new Date(slotAt).toISOString()} is not in the future`, 'slotAt');
}

function book(ctx: CaseContext, actor: Actor, action: string, slotAt: number): void {
  ctx.setFact('serviceSlotAt', slotAt);
  ctx.setFact('serviceBookings', (ctx.view.facts.serviceBookings ?? 0) + 1);
  delete ctx.view.facts.serviceBookingId;
  ctx.startClock(visitClock(ctx, slotAt));
  ctx.transition(actor, action, MAINTENANCE_STATUS.booked, { data: { slotAt } });
}

function providerNoShow(ctx: CaseContext, actor: Actor, reason: string): void {
  ctx.escalate('platform', `the maintenance provider did not show up: ${reason}`, actor, SLOT_CLOCK);
  ctx.transition(actor, 'provider_no_show', MAINTENANCE_STATUS.booking, { reason, data: { slotAt: ctx.view.facts.serviceSlotAt } });
}

const PROVIDER: Actor = { id: 'repair-provider', role: 'repair_provider' };

type VisitOutcome = CommandPayloads['record_service'] extends infer P ? (P extends unknown ? Omit<P, 'actor'> : never) : never;

/** The outcome of the booked visit, from staff (record_service) or the provider (its callback). */
function recordVisit(ctx: CaseContext, actor: Actor, p: VisitOutcome): void {
  ctx.satisfyClock(SLOT_CLOCK);
  if (p.outcome === 'completed') {
    ctx.setFact('serviceRecord', p.serviceRecord);
    ctx.close(actor, 'service_completed', 'serviced', { reason: p.reason, evidence: p.evidence, data: { serviceRecord: p.serviceRecord, bookingId: ctx.view.facts.serviceBookingId } });
    return;
  }
  if (p.outcome === 'provider_no_show') {
    providerNoShow(ctx, actor, p.reason ?? `reported by ${actor.role === 'repair_provider' ? 'the provider' : 'staff'}`);
    return;
  }
  const used = (ctx.view.facts.serviceReschedules ?? 0) + 1;
  ctx.setFact('serviceReschedules', used);
  if (used > ctx.policy.maintenanceRescheduleLimit) {
    ctx.close(actor, 'customer_no_show', 'customer_no_show', { reason: p.reason ?? 'the customer missed the visit with no reschedule left' });
    return;
  }
  ctx.transition(actor, 'customer_no_show', MAINTENANCE_STATUS.booking, { reason: p.reason, data: { reschedulesUsed: used } });
}

/** The provider's callback: it counts only for the booking the case holds now and while the visit is still open. */
function onServiceEvent(ctx: CaseContext, event: ServiceEvent): void {
  const bookingId = ctx.view.facts.serviceBookingId;
  if (ctx.status !== MAINTENANCE_STATUS.booked || bookingId === undefined || event.bookingId !== bookingId) {
    ctx.record(PROVIDER, 'service_event_ignored', { reason: `no open visit for booking ${event.bookingId} on this case`, data: { event: event.event, bookingId: event.bookingId } });
    return;
  }
  const reason = event.note;
  if (event.event === 'completed') recordVisit(ctx, PROVIDER, { outcome: 'completed', serviceRecord: event.serviceRecord, ...(event.evidence && { evidence: event.evidence }), ...(reason && { reason }) });
  else recordVisit(ctx, PROVIDER, { outcome: event.event, ...(reason && { reason }) });
}

export const maintenancePlaybook: Playbook = {
  steps: {
    [MAINTENANCE_STATUS.submitted]: async (ctx) => {
      const order = ctx.requireOrder();
      const { packageSku } = maintenanceDetails(ctx);
      if (!order.items.some((i) => i.sku === packageSku)) {
        ctx.close(SYSTEM_ACTOR, 'rejected_no_package', 'rejected', { reason: `sku ${packageSku} is not in order ${order.orderId}` });
        return;
      }
      ctx.transition(SYSTEM_ACTOR, 'package_confirmed', MAINTENANCE_STATUS.booking, { data: { packageSku } });
    },
    [MAINTENANCE_STATUS.booking]: async (ctx) => {
      await ctx.effects.notifyCustomer('service_booking_open', { packageSku: maintenanceDetails(ctx).packageSku }, `service-booking-open:${ctx.view.facts.serviceBookings ?? 0}`);
      await ctx.waitUntil(() => ctx.status !== MAINTENANCE_STATUS.booking);
    },
    [MAINTENANCE_STATUS.booked]: async (ctx) => {
      const facts = ctx.view.facts;
      if (facts.serviceBookingId === undefined) {
        const n = facts.serviceBookings ?? 1;
        const slotAt = facts.serviceSlotAt!;
        const { bookingId } = await partnerActions.bookService({
          idempotencyKey: `${ctx.caseId}:service-booking:${n}`,
          caseId: ctx.caseId,
          orderId: ctx.requireOrder().orderId,
          companyId: ctx.company('repair_provider'),
          packageSku: maintenanceDetails(ctx).packageSku,
          slotAt,
        });
        // A reschedule while the booking call ran books again in the next round.
        if ((ctx.view.facts.serviceBookings ?? 1) === n) {
          ctx.setFact('serviceBookingId', bookingId);
          ctx.record(SYSTEM_ACTOR, 'service_booked_with_provider', { data: { bookingId, slotAt } });
          await ctx.effects.notifyCustomer('service_booked', { slotAt }, `service-booked:${n}`);
        }
      }
      const booking = ctx.view.facts.serviceBookings;
      await ctx.waitUntil(() => ctx.status !== MAINTENANCE_STATUS.booked || ctx.view.facts.serviceBookings !== booking || ctx.view.facts.serviceBookingId === undefined);
    },
  },
  commands: {
    [MAINTENANCE_STATUS.booking]: { book_service: ['customer', ...CASE_STAFF] },
    [MAINTENANCE_STATUS.booked]: { reschedule_service: ['customer', ...CASE_STAFF], record_service: [...CASE_STAFF] },
  },
  checks: {
    book_service: (_ctx, p) => checkSlot(p.slotAt),
    reschedule_service: (ctx, p) => {
      checkSlot(p.slotAt);
      const limit = ctx.policy.maintenanceRescheduleLimit;
      if ((ctx.view.facts.serviceReschedules ?? 0) >= limit) throw commandRejected('reschedule_limit_reached', `the booking was already moved ${limit} times, the most the policy allows`);
    },
  },
  handlers: {
    book_service: (ctx, p) => book(ctx, p.actor, 'service_slot_booked', p.slotAt),
    reschedule_service: (ctx, p) => {
      ctx.setFact('serviceReschedules', (ctx.view.facts.serviceReschedules ?? 0) + 1);
      book(ctx, p.actor, 'service_rescheduled', p.slotAt);
    },
    record_service: (ctx, p) => recordVisit(ctx, p.actor, p),
  },
  clocks: [SERVICE_VISIT],
  onPartnerEvent: { service: onServiceEvent },
};
