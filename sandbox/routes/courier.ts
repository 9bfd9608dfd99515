/**
 * Courier: pickups, outbound weight checks (missing-item cases), claims charged to the monthly settlement, and the
 * evidence the platform asks for in a dispute (the parcel's handover record).
 */
import { z } from 'zod';
import { defineRoute, ok, refuse, type PartnerRoute } from '../partner-route';
import { newId, newTrackingNumber, type WeightPreset } from '../state';
import { companyId, id, text } from './schemas';

/** Answer for an order without a preset: weights agree. */
const DEFAULT_WEIGHT: WeightPreset = { recordedWeightGrams: 1_000, measuredWeightGrams: 1_000 };

export function weightAnswer(preset: WeightPreset) {
  const { recordedWeightGrams, measuredWeightGrams } = preset;
  const mismatch = preset.mismatch ?? Math.abs(recordedWeightGrams - measuredWeightGrams) > (preset.toleranceGrams ?? 0);
  return { recordedWeightGrams, measuredWeightGrams, mismatch };
}

/** The courier's evidence about a parcel: its handover record. */
export function handoverRecord(trackingNumber: string, now: string) {
  const evidenceId = newId('ev');
  const events = [
    { event: 'picked_up', at: now, detail: `parcel ${trackingNumber} scanned at pickup` },
    { event: 'delivered', at: now, detail: 'handed over at the address, signed by the recipient' },
  ];
  return { evidenceId, trackingNumber, kind: 'handover_record', uri: `courier-evidence://${evidenceId}`, events };
}

export const courierRoutes: PartnerRoute[] = [
  defineRoute({
    path: '/courier/pickups',
    schema: z.object({
      caseId: id,
      companyId,
      orderId: id,
      address: z.union([text, z.record(z.string(), z.unknown())]),
    }),
    handle(input, { state, idempotencyKey, now }) {
      const pickupId = newId('pu');
      const trackingNumber = newTrackingNumber();
      state.records.pickups.push({ pickupId, trackingNumber, ...input, idempotencyKey, createdAt: now });
      return ok({ pickupId, trackingNumber });
    },
  }),
  defineRoute({
    path: '/courier/weight-checks',
    schema: z.object({ caseId: id, companyId, orderId: id, trackingNumber: id.optional(), warehouseId: id.optional() }),
    handle(input, { state, idempotencyKey, now }) {
      const answer = weightAnswer(state.weightPresets.get(input.orderId) ?? DEFAULT_WEIGHT);
      state.records.weightChecks.push({ ...input, ...answer, idempotencyKey, createdAt: now });
      return ok(answer, 200);
    },
  }),
  defineRoute({
    path: '/courier/claims',
    schema: z.object({ caseId: id, companyId, orderId: id.optional(), reason: text, amountCents: z.number().int() }),
    handle(input, { state, idempotencyKey, now }) {
      if (input.amountCents <= 0) return refuse('amount_not_positive', 'claim amount must be positive');
      const claimId = newId('cl');
      state.records.courierClaims.push({ claimId, ...input, settlement: 'monthly', idempotencyKey, createdAt: now });
      return ok({ claimId });
    },
  }),
  defineRoute({
    path: '/courier/evidence-requests',
    schema: z.object({ caseId: id, companyId, orderId: id, trackingNumber: id, request: text }),
    handle(input, { state, idempotencyKey, now }) {
      if (input.trackingNumber.startsWith('UNKNOWN')) return refuse('unknown_tracking_number', `no parcel ${input.trackingNumber} in the courier's records`);
      if (input.trackingNumber.startsWith('LATE')) {
        const evidenceRequestId = newId('evr');
        state.records.courierEvidenceRequests.push({ evidenceRequestId, ...input, idempotencyKey, createdAt: now });
        return ok({ status: 'pending', evidenceRequestId, trackingNumber: input.trackingNumber }, 202);
      }
      const evidence = handoverRecord(input.trackingNumber, now);
      state.records.courierEvidence.push({ ...input, ...evidence, idempotencyKey, createdAt: now });
      return ok(evidence);
    },
  }),
];
