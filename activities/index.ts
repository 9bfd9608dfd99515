import type mongoose from 'mongoose';
import type { CaseActivities } from '../workflows/case/activities';
import { createPartnerActivities, partnerUrlsFromEnv } from './partners';
import { createStoreActivities } from './store/case-activities';

export interface ActivityDeps {
  store: mongoose.Connection;
  env: NodeJS.ProcessEnv;
}

/** Every activity the case workflows call, built from injected dependencies so tests can supply their own. */
export function createActivities(deps: ActivityDeps): CaseActivities {
  return {
    ...createPartnerActivities({ urls: partnerUrlsFromEnv(deps.env) }),
    ...createStoreActivities(deps.store),
  };
}
