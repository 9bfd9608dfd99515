/**
 * Six cases driven through the real workflows by the API, with outcomes known in advance, for the report and console
 * tests. Deadlines are seconds long (REPORT_POLICY), so "on time" means acted on at once and "breached" means left
 * alone until the workflow's timer fired.
 *
 * | case | merchant   | kind / reason              | what happens                                                       |
 * | ---- | ---------- | -------------------------- | ------------------------------------------------------------------ |
 * | ra1  | merchant-a | return / quality_defect    | assigned to agent-r1, rejected at once; survey answered 5          |
 * | ra2  | merchant-a | return / wrong_item        | rejected at once; survey answered 2                                |
 * | fa1  | merchant-a | feedback / logistics       | registered and answered at once (registration, first response met), |
 * |      |            |                            | then a solution the customer says does not resolve it: a dispute    |
 * | rb1  | merchant-b | return / quality_defect    | never reviewed: merchant_review breached, approved by default      |
 * | rb2  | merchant-b | return / quality_defect    | approved, shipped back, delivered, inspected, refunded: closed     |
 * | fb1  | merchant-b | feedback / product_quality | left alone: registration and first response breached              |
 */
import request from 'supertest';
import type express from 'express';
import type mongoose from 'mongoose';
import { caseViewModel } from '../../activities/store/case-model';
import { loadPolicy } from '../../config/policy';
import type { CaseView } from '../../workflows/domain/case';
import type { CasePolicy } from '../../workflows/policy';
import { KEYS, returnBody } from './harness';
import { waitFor } from '../support/wait-for';

/** The breach-prone deadlines last BREACH_SECONDS; the others keep their default length. */
export const BREACH_SECONDS = 9;
export const REPORT_POLICY: CasePolicy = {
  ...loadPolicy({}),
  merchantReviewReminder: { minutes: BREACH_SECONDS / 120 },
  merchantReviewTimeout: { minutes: BREACH_SECONDS / 60 },
  merchantReviewTimeoutAction: 'approve',
  registration: { minutes: BREACH_SECONDS / 60 },
  firstResponse: { minutes: BREACH_SECONDS / 60 },
};

export type ScenarioCase = 'ra1' | 'ra2' | 'fa1' | 'rb1' | 'rb2' | 'fb1';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

async function ok(req: request.Test, what: string): Promise<request.Response> {
  const res = await req;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

function feedbackBody(merchantId: string, feedbackType: string) {
  const body = returnBody({ merchantId, description: `feedback about ${feedbackType}` });
  return { ...body, details: { kind: 'feedback', feedbackType } };
}

export async function openCase(app: express.Express, body: object, tag: string): Promise<string> {
  const res = await ok(
    request(app).post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', `report-${tag}-${Date.now()}-${Math.random()}`).send(body),
    `open ${tag}`,
  );
  return res.body.caseId as string;
}

export const command = (app: express.Express, key: string, caseId: string, name: string, body: object) =>
  ok(request(app).post(`/cases/${caseId}/commands/${name}`).set(auth(key)).send(body), `${name} on ${caseId}`);


export const readCase = async (app: express.Express, caseId: string): Promise<CaseView> =>
  (await ok(request(app).get(`/cases/${caseId}`).set(auth(KEYS.admin)), `read ${caseId}`)).body as CaseView;

/** Waits until the case satisfies `done` (read live through the API). */
export const caseWhere = (app: express.Express, caseId: string, what: string, done: (v: CaseView) => boolean) =>
  waitFor(what, async () => {
    const view = await readCase(app, caseId);
    return done(view) ? view : undefined;
  });

/** Drives the six cases to their outcomes; answers their ids and final views once the store holds those versions. */
export async function driveReportScenario(app: express.Express, store: mongoose.Connection): Promise<{ ids: Record<ScenarioCase, string>; views: Record<ScenarioCase, CaseView> }> {
  const [ra1, ra2, fa1, rb1, rb2, fb1] = await Promise.all([
    openCase(app, returnBody({ merchantId: 'merchant-a' }), 'ra1'),
    openCase(app, { ...returnBody({ merchantId: 'merchant-a' }), details: { kind: 'return', reason: 'wrong_item' } }, 'ra2'),
    openCase(app, feedbackBody('merchant-a', 'logistics'), 'fa1'),
    openCase(app, returnBody({ merchantId: 'merchant-b' }), 'rb1'),
    openCase(app, returnBody({ merchantId: 'merchant-b' }), 'rb2'),
    openCase(app, feedbackBody('merchant-b', 'product_quality'), 'fb1'),
  ]);
  const ids: Record<ScenarioCase, string> = { ra1, ra2, fa1, rb1, rb2, fb1 };

  // On time: each acts as soon as its case is open.
  await Promise.all([
    (async () => {
      await command(app, KEYS.supervisor, ra1, 'assign', { agentId: 'agent-r1', reason: 'report scenario' });
      await command(app, KEYS['merchant-a'], ra1, 'merchant-review', { decision: 'reject', reason: 'used beyond inspection' });
    })(),
    command(app, KEYS['merchant-a'], ra2, 'merchant-review', { decision: 'reject', reason: 'item matches the listing' }),
    (async () => {
      await command(app, KEYS.agent, fa1, 'register', { priority: 'normal' });
      await command(app, KEYS.agent, fa1, 'respond', { message: 'We are looking into the delivery.' });
      await command(app, KEYS.agent, fa1, 'record-investigation', { findings: 'the parcel waited three days at the depot' });
      await command(app, KEYS.agent, fa1, 'propose-solution', { solution: 'a coupon for the delay' });
      await command(app, KEYS.supervisor, fa1, 'approve-solution', { reason: 'fair for the delay' });
      await command(app, KEYS.agent, fa1, 'reply-solution', { message: 'We are sending you a coupon for the delay.' });
      await command(app, KEYS.customer, fa1, 'confirm-resolution', { resolved: false, reason: 'a coupon does not bring the parcel' });
    })(),
    (async () => {
      await command(app, KEYS['merchant-b'], rb2, 'merchant-review', { decision: 'approve', returnAddress: 'Returns desk, 8 Harbour Rd' });
      await command(app, KEYS.customer, rb2, 'ship-back', { trackingNumber: 'SF100200300', carrier: 'SF Express' });
      await ok(
        request(app)
          .post('/callbacks/courier')
          .set(auth(KEYS.courier))
          .send({ caseId: rb2, dedupKey: `evt-${rb2}`, trackingNumber: 'SF100200300', event: 'delivered', at: Date.now() }),
        'courier delivered',
      );
      await caseWhere(app, rb2, 'rb2 awaiting inspection', (v) => v.status === 'awaiting_inspection');
      await command(app, KEYS['merchant-b'], rb2, 'inspect', { result: 'accepted', findings: 'defect confirmed' });
      await caseWhere(app, rb2, 'rb2 refund due', (v) => v.status === 'refund_due');
      await command(app, KEYS['merchant-b'], rb2, 'start-refund', {});
    })(),
  ]);

  // Surveys: sent after closing; ra1 and ra2 are answered, rb2's is not.
  const surveyed = (v: CaseView) => v.survey !== undefined;
  await caseWhere(app, ra1, 'ra1 survey', surveyed);
  await command(app, KEYS.customer, ra1, 'answer-survey', { rating: 5 });
  await caseWhere(app, ra2, 'ra2 survey', surveyed);
  await command(app, KEYS.customer, ra2, 'answer-survey', { rating: 2 });
  await caseWhere(app, rb2, 'rb2 survey', surveyed);

  // Breached: left alone until their timers fired.
  const breached = (clock: string) => (v: CaseView) => v.clocks.some((c) => c.name === clock && c.status === 'breached');
  await caseWhere(app, rb1, 'rb1 merchant_review breached', (v) => breached('merchant_review')(v) && v.status === 'awaiting_return_shipment');
  await caseWhere(app, fb1, 'fb1 first_response breached', (v) => breached('first_response')(v) && breached('registration')(v));

  const views = {} as Record<ScenarioCase, CaseView>;
  for (const [name, caseId] of Object.entries(ids) as Array<[ScenarioCase, string]>) {
    const live = await readCase(app, caseId);
    await waitFor(`${name} in the store at version ${live.version}`, async () => {
      const doc = await caseViewModel(store).findById(caseId, { version: 1 }).lean<{ version: number }>().exec();
      return doc && doc.version >= live.version ? true : undefined;
    });
    views[name] = live;
  }
  return { ids, views };
}
