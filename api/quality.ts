/** The daily quality samples and the reviews of sampled cases (seed 002 四(二)). */
import { z } from 'zod';
import { qaReviewModel, qaSampleModel, type QaReviewDocument, type QaSampleDocument } from '../activities/store/qa-samples';
import { id, text } from '../workflows/contract';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';

const QA_ROLES = ['senior_agent', 'supervisor', 'admin'] as const;

const QaReviewBody = z
  .strictObject({
    caseId: id,
    score: z.int().min(0).max(100).openapi({ description: 'Quality score, 0 to 100' }),
    findings: text(4000),
    mishandled: z.boolean().openapi({ description: 'The case was mishandled: a supervisor may reopen it' }),
  })
  .openapi('QaReview', { example: { caseId: 'case-3f2a9c0e1b7d4a65c8e91f20', score: 85, findings: 'answered within the hour; apology missing', mishandled: false } });

const SampleDoc = z.object({ day: z.string(), caseId: z.string(), agentId: z.string(), reviews: z.array(z.object({ reviewer: z.string(), score: z.int(), findings: z.string(), mishandled: z.boolean(), at: z.string() })) });

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
];
