import { ApplicationFailure } from '@temporalio/workflow';
import type { CaseKind } from '../../domain/case';
import type { Playbook } from '../playbook';
import { exchangePlaybook } from './exchange';
import { feedbackPlaybook } from './feedback';
import { refundOnlyPlaybook } from './refund-only';
import { maintenancePlaybook } from './maintenance';
import { repairPlaybook } from './repair';
import { returnPlaybook } from './return';
import { safetyPlaybook } from './safety';
import { withSopBranches } from './sop-branches';
import { withDisputes } from '../dispute';

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
