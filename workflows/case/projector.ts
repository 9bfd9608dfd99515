/**
 * Keeps a case visible outside its workflow: search attributes once per workflow task that changed them (so the
 * Temporal UI filters cases; merged into one upsert per activation by upsert-merging.ts) and the store projection,
 * handed to the worker through a sink as each task that changed the case completes (before PROJECTION_SINK_PATCH: an
 * activity per version, beside the playbook), the run's last version through an activity.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { condition, log, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { CaseKindAttr, CaseStatusAttr, EscalatedAttr, MerchantIdAttr, NextDeadlineAttr } from '../search-attributes';
import { store } from './activities';
import { errorMessage } from './errors';
import { PROJECTION_SINK_PATCH, SEARCH_ATTRIBUTES_PER_ACTIVATION_PATCH, SEARCH_ATTRIBUTES_PER_TASK_PATCH } from './patches';
import { patchApplied } from './patch-baseline';
import { caseStoreSink } from './store-sink';
import { mergeUpsertsPerActivation } from './upsert-merging';
import type { CaseState } from './state';
import type { CaseSummary } from '../domain/case-summary';

export class CaseProjector {
  /** The version known to be in the store: through the sink, the one the last activity wrote. */
  private projectedVersion: number;
  private readonly throughSink: boolean;
  private sinkCallScheduled = false;
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
    if (patchApplied(SEARCH_ATTRIBUTES_PER_ACTIVATION_PATCH)) mergeUpsertsPerActivation();
    if (opened) {
      upsertSearchAttributes([{ key: CaseKindAttr, value: input.kind }, ...(input.order ? [{ key: MerchantIdAttr, value: input.order.merchantId }] : [])]);
    }
    this.projectedVersion = opened ? 0 : view.version;
    this.throughSink = patchApplied(PROJECTION_SINK_PATCH);
    state.onPublish = (summary) => {
      if (patchApplied(SEARCH_ATTRIBUTES_PER_TASK_PATCH)) this.upsertOncePerTask(summary);
      else upsertSearchAttributes(this.changingAttributes(summary));
      if (this.throughSink) this.projectOncePerTask();
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
   * The upsert waits for the current round of microtasks to settle, so the changes of one round make one upsert, with
   * the last values, and none when nothing changed. An activation can run several rounds (a condition unblocked starts
   * another); upsert-merging.ts merges their upserts.
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

  /**
   * Hands the case to the store sink once the task's microtasks so far have run, so a task's changes make one write.
   * In replay the SDK drops sink calls (those versions were written when they were made), so no copy is made then.
   */
  private projectOncePerTask(): void {
    if (this.sinkCallScheduled) return;
    this.sinkCallScheduled = true;
    void Promise.resolve().then(() => {
      this.sinkCallScheduled = false;
      const info = workflowInfo();
      if (!info.unsafe.isReplaying) caseStoreSink().project(this.state.snapshot(), info.historyLength);
    });
  }

  /** Before PROJECTION_SINK_PATCH: writes each new version to the store, beside the playbook for the life of the run. */
  async run(): Promise<never> {
    if (this.throughSink) return new Promise<never>(() => undefined);
    for (;;) {
      await condition(() => this.state.view.version > this.projectedVersion);
      // Inline, not through writeThroughActivity: an extra await would move the loop's next step among the microtasks
      // of the activation that delivers the result, and recorded histories would no longer replay.
      const view = this.state.snapshot();
      try {
        await store().projectCase(view);
      } catch (err) {
        log.warn('case projection failed', { caseId: this.state.caseId, error: errorMessage(err) });
      }
      this.projectedVersion = Math.max(this.projectedVersion, view.version);
    }
  }

  /** Resolves once the latest version has reached the store: through the sink, the run's last version by an activity. */
  async projected(): Promise<void> {
    if (!this.throughSink) {
      await condition(() => this.projectedVersion >= this.state.view.version);
      return;
    }
    if (this.projectedVersion < this.state.view.version) this.projectedVersion = await this.writeThroughActivity();
  }

  /** Writes the case as it is now through the store activity; answers the version written (or given up on). */
  private async writeThroughActivity(): Promise<number> {
    const view = this.state.snapshot();
    try {
      await store().projectCase(view);
    } catch (err) {
      log.warn('case projection failed', { caseId: this.state.caseId, error: errorMessage(err) });
    }
    return view.version;
  }
}
