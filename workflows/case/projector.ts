/**
 * Keeps a case visible outside its workflow: search attributes once per workflow task that changed them (so the
 * Temporal UI filters cases) and the store projection, written beside the playbook for the life of the run, latest
 * version first.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { condition, log, patched, upsertSearchAttributes } from '@temporalio/workflow';
import { CaseKindAttr, CaseStatusAttr, EscalatedAttr, MerchantIdAttr, NextDeadlineAttr } from '../search-attributes';
import { store } from './activities';
import { errorMessage } from './errors';
import { SEARCH_ATTRIBUTES_PER_TASK_PATCH } from './patches';
import type { CaseState } from './state';
import type { CaseSummary } from '../domain/case-summary';

export class CaseProjector {
  private projectedVersion: number;
  /** The search attributes last upserted (as compared values). */
  private upserted?: string;
  /** The latest summary of this task while its upsert waits for the task's end. */
  private pendingSummary?: CaseSummary;

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
    state.onPublish = (summary) => {
      if (patched(SEARCH_ATTRIBUTES_PER_TASK_PATCH)) this.upsertOncePerTask(summary);
      else upsertSearchAttributes(this.changingAttributes(summary));
    };
  }

  private changingAttributes(summary: CaseSummary): SearchAttributeUpdatePair[] {
    const { view } = this.state;
    return [
      { key: CaseStatusAttr, value: view.status },
      { key: EscalatedAttr, value: view.escalated },
      { key: NextDeadlineAttr, value: summary.nextDeadline !== undefined ? new Date(summary.nextDeadline) : null },
    ];
  }

  /**
   * The upsert waits for the microtasks of the current workflow task to settle (the SDK completes a task only once
   * they have), so the changes of one task make one upsert, with the last values, and none when nothing changed.
   */
  private upsertOncePerTask(summary: CaseSummary): void {
    const scheduled = this.pendingSummary !== undefined;
    this.pendingSummary = summary;
    if (scheduled) return;
    void Promise.resolve().then(() => {
      const attributes = this.changingAttributes(this.pendingSummary!);
      this.pendingSummary = undefined;
      const values = JSON.stringify(attributes.map((a) => a.value));
      if (values === this.upserted) return;
      this.upserted = values;
      upsertSearchAttributes(attributes);
    });
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
