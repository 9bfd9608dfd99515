import { mergeUpserts } from '../../workflows/case/upsert-merging';

const payload = (value: unknown) => ({ data: Buffer.from(JSON.stringify(value)) });
const upsert = (fields: Record<string, unknown>) => ({
  upsertWorkflowSearchAttributes: { searchAttributes: { indexedFields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, payload(v)])) } },
});

describe('mergeUpserts', () => {
  it('merges the upserts of an activation into the first, each attribute with its last value, keeping the other commands in order', () => {
    const marker = { setPatchMarker: { patchId: 'p' } };
    const activity = { scheduleActivity: { seq: 1 } };
    const timer = { startTimer: { seq: 2 } };
    const merged = mergeUpserts([marker, upsert({ CaseKind: 'return', CaseStatus: 'opened' }), activity, upsert({ CaseStatus: 'awaiting_merchant_review', Escalated: false }), timer]);
    expect(merged).toEqual([marker, upsert({ CaseKind: 'return', CaseStatus: 'awaiting_merchant_review', Escalated: false }), activity, timer]);
  });

  it('leaves an activation with at most one upsert as it is', () => {
    const commands = [{ scheduleActivity: { seq: 1 } }, upsert({ CaseStatus: 'closed' })];
    expect(mergeUpserts(commands)).toBe(commands);
    expect(mergeUpserts([])).toEqual([]);
  });
});
