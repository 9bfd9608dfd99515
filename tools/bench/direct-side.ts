/** The direct side of each measurement: the same operations through the Temporal client, no API in between. */
import type { Client } from '@temporalio/client';
import type { caseWorkflow } from '../../workflows';
import { commandUpdates, getCaseQuery } from '../../workflows/messages';
import { MERCHANT_ACTOR } from './fixtures';
import { benchNoopWorkflow } from './noop-workflow';

export interface DirectSide {
  /** Starts the no-op workflow (resolves once the server has accepted the start). */
  startNoop(workflowId: string): Promise<void>;
  /** handle.query(getCaseQuery); resolves to the case status. */
  getCase(caseId: string): Promise<string>;
  /** handle.executeUpdate(merchant_review, approve) as merchant-a's user. */
  approve(caseId: string): Promise<void>;
}

export function directSide(client: Client, noopTaskQueue: string): DirectSide {
  const handle = (caseId: string) => client.workflow.getHandle<typeof caseWorkflow>(caseId);
  return {
    startNoop: async (workflowId) => {
      await client.workflow.start(benchNoopWorkflow, { workflowId, taskQueue: noopTaskQueue });
    },
    getCase: async (caseId) => (await handle(caseId).query(getCaseQuery)).status,
    approve: async (caseId) => {
      await handle(caseId).executeUpdate(commandUpdates.merchant_review, { args: [{ decision: 'approve', actor: MERCHANT_ACTOR }] });
    },
  };
}
