import { ApplicationFailure } from '@temporalio/workflow';
import type { CaseKind } from '../domain/case';
import type { Playbook } from '../case/playbook';
import { exchangePlaybook } from './exchange/playbook';
import { feedbackPlaybook } from './feedback/playbook';
import { refundOnlyPlaybook } from './refund-only/playbook';
import { maintenancePlaybook } from './maintenance/playbook';
import { repairPlaybook } from './repair/playbook';
import { returnPlaybook } from './return/playbook';
import { safetyPlaybook } from './safety/playbook';
import { withSopBranches } from './return/sop-branches';
import { withDisputes } from '../case/dispute';

/** Each kind's playbook; a kind's definition is registered in ./index.ts. */
const PLAYBOOKS: Record<string, Playbook> = {
  return: withDisputes(withSopBranches(returnPlaybook)),
  exchange: withDisputes(exchangePlaybook),
  refund_only: withDisputes(refundOnlyPlaybook),
  feedback: feedbackPlaybook,
  safety: safetyPlaybook,
  repair: repairPlaybook,
  maintenance: maintenancePlaybook,
} satisfies Record<CaseKind, Playbook>;

/** The playbook of a kind added by registerKind (./index.ts), registered before the workflow code is shared. */
export function registerPlaybook(kind: string, playbook: Playbook): void {
  if (PLAYBOOKS[kind]) throw new Error(`case kind "${kind}" has a playbook already`);
  PLAYBOOKS[kind] = playbook;
}

export const supportedKinds = (): string[] => Object.keys(PLAYBOOKS);

export function playbookFor(kind: string): Playbook {
  const playbook = PLAYBOOKS[kind];
  if (!playbook) throw ApplicationFailure.nonRetryable(`no playbook for case kind "${kind}"`, 'UnsupportedCaseKind');
  return playbook;
}
