/**
 * Keeps a case visible outside its workflow: search attributes on every change (so the Temporal UI filters cases) and
 * the store projection, written beside the playbook for the life of the run, latest version first.
 */
import { condition, log, upsertSearchAttributes } from '@temporalio/workflow';
import { CaseKindAttr, CaseStatusAttr, EscalatedAttr, MerchantIdAttr, NextDeadlineAttr } from '../search-attributes';
import { store } from './activities';
import { errorMessage } from './errors';
import type { CaseState } from './state';

export class CaseProjector {
  private projectedVersion: number;

  /** `opened`: this run opened the case (not a continue-as-new), so the case's fixed attributes are set now. */
  constructor(
    private readonly state: CaseState,
    opened: boolean,
  ) {
    const { input, view } = state;
    if (opened) {
      upsertSearchAttributes([{ key: CaseKindAttr, value: input.kind }, ...(input.order ? [{ key: MerchantIdAttr, value: input.order.merchantId }] : [])]);
    }
    this.projectedVersion = opened ? 0 : view.version;
    state.onPublish = (summary) =>
      upsertSearchAttributes([
        { key: CaseStatusAttr, value: view.status },
        { key: EscalatedAttr, value: view.escalated },
        { key: NextDeadlineAttr, value: summary.nextDeadline !== undefined ? new Date(summary.nextDeadline) : null },
      ]);
  }

  /** Writes each new version to the store; runs beside the playbook for the life of the run. */
  async run(): Promise<never> {
    for (;;) {
      await condition(() => this.state.view.version > this.projectedVersion);
      const view = this.state.snapshot();
      try {
        await store().projectCase(view);
      } catch (err) {
        log.warn('case projection failed', { caseId: this.state.caseId, error: errorMessage(err) });
      }
      this.projectedVersion = Math.max(this.projectedVersion, view.version);
    }
  }

  /** Resolves once the latest version has reached the store. */
  async projected(): Promise<void> {
    await condition(() => this.projectedVersion >= this.state.view.version);
  }
}
