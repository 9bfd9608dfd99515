import type mongoose from 'mongoose';
import type { CaseActivities } from '../workflows/case/activities';
import { createPartnerActivities, type PartnerUrls } from './partners';
import { createStoreActivities } from './store/case-activities';

export interface ActivityDeps {
  store: mongoose.Connection;
  /** config/env.ts resolves them (RuntimeConfig.partnerUrls); tests pass partnerUrlsFor(sandbox.url). */
  partnerUrls: PartnerUrls;
}

/** Every activity the case workflows call, built from injected dependencies so tests can supply their own. */
export function createActivities(deps: ActivityDeps): CaseActivities {
  return {
    ...createPartnerActivities({ urls: deps.partnerUrls }),
    ...createStoreActivities(deps.store),
  };
}
