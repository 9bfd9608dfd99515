// The workflow bundle's entry point: every workflow type the worker serves.
export { caseWorkflow } from './case/case-workflow';
export { qualitySamplingWorkflow } from './quality/quality-sampling';
export { clockHistoryPackingWorkflow } from './what-if/clock-history-packing';
export { settlementPeriodWorkflow } from './settlement/settlement-period';
export { statementWorkflow } from './settlement/statement';
