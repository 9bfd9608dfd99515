/** The daily quality samples and the reviews of sampled cases (seed 002 四(二)). */
import { z } from 'zod';
import { qaReopeningModel, qaReviewModel, qaSampleModel, type QaReopeningDocument, type QaReviewDocument, type QaSampleDocument } from '../activities/store/qa-samples';
import { caseIdFor, openCaseFrom, readCase } from './cases';
import { id, text } from '../workflows/contract';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';

const QA_ROLES = ['senior_agent', 'supervisor', 'admin'] as const;

const QaReopeningBody = z
  .strictObject({ caseId: id, reason: text(2000) })
  .openapi('QaReopening', { example: { caseId: 'case-3f2a9c0e1b7d4a65c8e91f20', reason: 'the refund was refused on a wrong reading of the 7-day rule' } });


const QaReviewBody = z
  .strictObject({
    caseId: id,
    score: z.int().min(0).max(100).openapi({ description: 'Quality score, 0 to 100' }),
    findings: text(4000),
    mishandled: z.boolean().openapi({ description: 'The case was mishandled: a supervisor may reopen it' }),
  })
  .openapi('QaReview', { example: { caseId: 'case-3f2a9c0e1b7d4a65c8e91f20', score: 85, findings: 'answered within the hour; apology missing', mishandled: false } });

const SampleDoc = z.object({ day: z.string(), caseId: z.string(), agentId: z.string(), reviews: z.array(z.object({ reviewer: z.string(), score: z.int(), findings: z.string(), mishandled: z.boolean(), at: z.string() })) });

const ReopeningDoc = z.object({ caseId: z.string(), followUpCaseId: z.string(), reopenedBy: z.string(), reason: z.string(), at: z.string(), review: SampleDoc.shape.reviews.element });

const presentReview = (r: QaReviewDocument) => ({ reviewer: r.reviewer, score: r.score, findings: r.findings, mishandled: r.mishandled, at: new Date(r.at).toISOString() });

export const QUALITY_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/qa/samples',
    roles: QA_ROLES,
    summary: 'The cases sampled for a quality check on a day (closed that day, UTC), each with its reviews',
    query: z.strictObject({ day: z.iso.date().openapi({ example: '2026-11-22' }) }),
    responses: { 200: json('The day’s sample', z.object({ day: z.string(), samples: z.array(SampleDoc) })), ...COMMON_RESPONSES },
    async handle(ctx, { query }, res) {
      const samples = await qaSampleModel(ctx.store).find({ day: { $eq: query.day } }).sort({ caseId: 1 }).lean<QaSampleDocument[]>().exec();
      const reviews = samples.length ? await qaReviewModel(ctx.store).find({ caseId: { $in: samples.map((s) => s.caseId) } }).sort({ at: 1 }).lean<QaReviewDocument[]>().exec() : [];
      res.json({ day: query.day, samples: samples.map((s) => ({ day: s.day, caseId: s.caseId, agentId: s.agentId, reviews: reviews.filter((r) => r.caseId === s.caseId).map(presentReview) })) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/qa/reviews',
    roles: QA_ROLES,
    summary: 'Records a quality review of a sampled case: score, findings, and whether it was mishandled',
    description: 'Reviews are kept, never edited; a case may be reviewed again. A case that was not sampled is refused (422 not_sampled).',
    body: QaReviewBody,
    responses: { 201: json('The review as kept', SampleDoc.shape.reviews.element.extend({ caseId: z.string(), agentId: z.string() })), ...COMMON_RESPONSES, 422: problem('not_sampled') },
    async handle(ctx, { caller, body }, res) {
      const sample = await qaSampleModel(ctx.store).findOne({ caseId: { $eq: body.caseId } }).lean<QaSampleDocument>().exec();
      if (!sample) throw new ProblemError({ status: 422, code: 'not_sampled', title: 'Case not sampled', detail: `case ${body.caseId} is in no quality sample; only sampled cases are reviewed` });
      const review: QaReviewDocument = { caseId: body.caseId, day: sample.day, agentId: sample.agentId, reviewer: caller.id, score: body.score, findings: body.findings, mishandled: body.mishandled, at: new Date() };
      await qaReviewModel(ctx.store).create(review);
      res.status(201).json({ caseId: review.caseId, agentId: review.agentId, ...presentReview(review) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/qa/reopenings',
    roles: ['supervisor', 'admin'],
    summary: 'Reopens a case its latest quality review found mishandled: a follow-up feedback ticket referencing the case is opened',
    description:
      'The follow-up is an after-sales-service feedback case on the same order and customer, its description naming the original case and the review. Once per case: a case reopened before answers its follow-up (200). A case whose latest review is not mishandled, or that was never reviewed, is 422 not_mishandled.',
    body: QaReopeningBody,
    responses: { 201: json('The follow-up opened', ReopeningDoc), 200: json('The case was reopened before: its follow-up', ReopeningDoc), ...COMMON_RESPONSES, 404: problem('case_not_found'), 422: problem('not_mishandled') },
    async handle(ctx, { caller, body }, res) {
      const [review] = await qaReviewModel(ctx.store).find({ caseId: { $eq: body.caseId } }).sort({ at: -1 }).limit(1).lean<QaReviewDocument[]>().exec();
      if (!review?.mishandled) {
        throw new ProblemError({ status: 422, code: 'not_mishandled', title: 'Case not reviewed as mishandled', detail: review ? `the latest quality review of ${body.caseId} did not find it mishandled` : `case ${body.caseId} has no quality review`, errors: [{ field: 'body.caseId', message: 'not reviewed as mishandled' }] });
      }
      const present = (r: QaReopeningDocument) => ({ caseId: r._id, followUpCaseId: r.followUpCaseId, reopenedBy: r.reopenedBy, reason: r.reason, at: new Date(r.at).toISOString(), review: presentReview(review) });
      const kept = await qaReopeningModel(ctx.store).findById(body.caseId).lean<QaReopeningDocument>().exec();
      if (kept) {
        res.status(200).json(present(kept));
        return;
      }
      const { view: original } = await readCase(ctx, body.caseId);
      // One follow-up per case whoever asks: its id comes from the original case's.
      const followUpCaseId = caseIdFor('qa-reopening', body.caseId);
      await openCaseFrom(ctx, caller, followUpCaseId, {
        channel: original.channel,
        customer: original.customer,
        ...(original.order && { order: original.order }),
        description: `Follow-up of case ${body.caseId}, reopened after a quality review found it mishandled (score ${review.score}: ${review.findings}). ${body.reason}`.slice(0, 4000),
        evidence: [],
        details: { kind: 'feedback', feedbackType: 'after_sales_service', desiredResolution: `the handling of case ${body.caseId} corrected`, impact: body.reason },
        priority: 'high',
      });
      const reopening: QaReopeningDocument = { _id: body.caseId, followUpCaseId, reopenedBy: caller.id, reason: body.reason, at: new Date() };
      try {
        await qaReopeningModel(ctx.store).create(reopening);
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        res.status(200).json(present((await qaReopeningModel(ctx.store).findById(body.caseId).lean<QaReopeningDocument>().exec())!));
        return;
      }
      res.status(201).location(`/cases/${followUpCaseId}`).json(present(reopening));
    },
  }),
];
