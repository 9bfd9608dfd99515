import type mongoose from 'mongoose';
import type { CaseActivities } from '../workflows/case/activities';
import { createCustomerMailer } from './mail/customer-mail';
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
  /** The partner companies (config/partner-companies.ts): a company with its own URL gets its calls and statements there. */
  companies?: readonly PartnerCompany[];
  /** Monthly settlement: the fallback policy (its statement window) and config/env.ts merchantLateThreshold. */
  settlement?: SettlementOptions;
  /** Customer e-mail over SMTP (config/env.ts smtpUrl, mailFrom); without it, e-mail notices go to the notification partner like SMS. */
  mail?: { smtpUrl: string; from: string };
}

/** Every activity the case workflows call, built from injected dependencies so tests can supply their own. */
export function createActivities(deps: ActivityDeps): CaseActivities & SettlementActivities {
  const partners = createPartnerActivities({ urls: deps.partnerUrls, companies: deps.companies });
  const mailer = deps.mail && createCustomerMailer({ store: deps.store, ...deps.mail });
  return {
    ...partners,
    // SMS stays a partner call; e-mail goes through the relay when there is one.
    ...(mailer && { notifyCustomer: (input) => (input.channel === 'email' ? mailer.sendCustomerMail(input) : partners.notifyCustomer(input)) }),
    ...createStoreActivities(deps.store, { qaSamplePercent: deps.qaSamplePercent }),
    ...createStatementAdapter(deps.partnerUrls, deps.companies),
    ...createSettlementStoreActivities(deps.store, deps.settlement),
  };
}
