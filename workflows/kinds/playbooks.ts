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

const PLAYBOOKS: Partial<Record<CaseKind, Playbook>> = {
  return: withDisputes(withSopBranches(returnPlaybook)),
  exchange: withDisputes(exchangePlaybook),
  refund_only: withDisputes(refundOnlyPlaybook),
  feedback: feedbackPlaybook,
  safety: safetyPlaybook,
  repair: repairPlaybook,
  maintenance: maintenancePlaybook,
};

export const SUPPORTED_KINDS = Object.keys(PLAYBOOKS) as CaseKind[];

export function playbookFor(kind: CaseKind): Playbook {
  const playbook = PLAYBOOKS[kind];
  if (!playbook) throw ApplicationFailure.nonRetryable(`no playbook for case kind "${kind}"`, 'UnsupportedCaseKind');
  return playbook;
}
