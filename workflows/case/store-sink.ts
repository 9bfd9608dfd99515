import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { CaseView } from '../domain/case';

/** Hands a case's new version to the worker, which writes it to the store (worker/projection-sink.ts). */
export interface CaseStoreSinks extends Sinks {
  caseStore: { project(view: CaseView): void };
}

export function caseStoreSink(): CaseStoreSinks['caseStore'] {
  return proxySinks<CaseStoreSinks>().caseStore;
}
