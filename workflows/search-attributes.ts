import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes every case keeps current, so the Temporal UI can filter cases. */
export const CaseKindAttr = defineSearchAttributeKey('CaseKind', SearchAttributeType.KEYWORD);
export const CaseStatusAttr = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const MerchantIdAttr = defineSearchAttributeKey('MerchantId', SearchAttributeType.KEYWORD);
export const NextDeadlineAttr = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const EscalatedAttr = defineSearchAttributeKey('Escalated', SearchAttributeType.BOOL);

export const CASE_SEARCH_ATTRIBUTES = [CaseKindAttr, CaseStatusAttr, MerchantIdAttr, NextDeadlineAttr, EscalatedAttr];
