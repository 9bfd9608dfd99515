import type mongoose from 'mongoose';
import type { CaseActivities } from '../workflows/case/activities';
import { createPartnerActivities, type PartnerUrls } from './partners';
import { createStoreActivities } from './store/case-activities';

export interface ActivityDeps {
  store: mongoose.Connection;
  /** config/env.ts resolves them (RuntimeConfig.partnerUrls); tests pass partnerUrlsFor(sandbox.url). */
  partnerUrls: PartnerUrls;
  /** The share of a day's closed cases the quality sample checks (config/env.ts qaSamplePercent; default 10). */
  qaSamplePercent?: number;
}

/** Every activity the case workflows call, built from injected dependencies so tests can supply their own. */
export function createActivities(deps: ActivityDeps): CaseActivities {
  return {
    ...createPartnerActivities({ urls: deps.partnerUrls }),
    ...createStoreActivities(deps.store, { qaSamplePercent: deps.qaSamplePercent }),
  };
}
