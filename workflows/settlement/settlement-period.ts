/**
 * The monthly settlement of a closed month (UTC): started by the `monthly-settlement` Temporal Schedule on the 1st
 * (the month before), or by hand for a given month. One child statement workflow per courier, warehouse and merchant
 * with ledger entries in the month; the child's id is the statement's (period and party) and is never reused, so a
 * second run of the month issues nothing new. The statements outlive this workflow (ABANDON).
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild, workflowInfo, WorkflowIdReusePolicy } from '@temporalio/workflow';
import { previousPeriod, statementWorkflowId } from '../contract/settlement';
import type { SettlementActivities } from './activities';
import { statementWorkflow } from './statement';

const { listSettlementParties } = proxyActivities<Pick<SettlementActivities, 'listSettlementParties'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export interface SettlementRun {
  period: string;
  /** Statements this run started. */
  issued: string[];
  /** Statements an earlier run of the period had started already. */
  existing: string[];
}

export async function settlementPeriodWorkflow(period?: string): Promise<SettlementRun> {
  const settled = period ?? previousPeriod(workflowInfo().startTime.getTime());
  const { parties, ...settings } = await listSettlementParties({ period: settled });
  const run: SettlementRun = { period: settled, issued: [], existing: [] };
  for (const { party, partyId } of parties) {
    const workflowId = statementWorkflowId(settled, party, partyId);
    try {
      await startChild(statementWorkflow, {
        workflowId,
        args: [{ period: settled, party, partyId, ...settings }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      run.issued.push(workflowId);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      run.existing.push(workflowId);
    }
  }
  return run;
}
