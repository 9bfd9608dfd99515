import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { CaseView } from '../domain/case';

/**
 * Hands a case's new version to the worker, which writes it to the store (worker/projection-sink.ts), with the history
 * length it was made at: the same version made again by a retried workflow task is the later one.
 */
export interface CaseStoreSinks extends Sinks {
  caseStore: { project(view: CaseView, historyLength: number): void };
}

export function caseStoreSink(): CaseStoreSinks['caseStore'] {
  return proxySinks<CaseStoreSinks>().caseStore;
}
