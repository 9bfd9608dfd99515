import type mongoose from 'mongoose';
import type { CaseActivities } from '../workflows/case/activities';
import { createPartnerActivities, type PartnerUrls } from './partners';
import { createStoreActivities } from './store/case-activities';
import { createStatementAdapter } from './partners/statements';
import { createSettlementStoreActivities, type SettlementOptions } from './store/settlement';
import type { SettlementActivities } from '../workflows/settlement/activities';
import type { PartnerCompany } from '../workflows/domain/partner-companies';

export interface ActivityDeps {
  store: mongoose.Connection;
  /** config/env.ts resolves them (RuntimeConfig.partnerUrls); tests pass partnerUrlsFor(sandbox.url). */
  partnerUrls: PartnerUrls;
  /** The share of a day's closed cases the quality sample checks (config/env.ts qaSamplePercent; default 10). */
  qaSamplePercent?: number;
  /** The partner companies (config/partner-companies.ts): a company with its own URL gets its statements there. */
  companies?: readonly PartnerCompany[];
  /** Monthly settlement: the fallback policy (its statement window) and config/env.ts merchantLateThreshold. */
  settlement?: SettlementOptions;
}

/** Every activity the case workflows call, built from injected dependencies so tests can supply their own. */
export function createActivities(deps: ActivityDeps): CaseActivities & SettlementActivities {
  return {
    ...createPartnerActivities({ urls: deps.partnerUrls }),
    ...createStoreActivities(deps.store, { qaSamplePercent: deps.qaSamplePercent }),
    ...createStatementAdapter(deps.partnerUrls, deps.companies),
    ...createSettlementStoreActivities(deps.store, deps.settlement),
  };
}
