import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { caseWorkflowCode } from '../../worker/workflow-bundle';

/**
 * Recorded histories of the settlement workflows (a settlement run of a month, its re-run, statements settled by
 * silence, by a dispute reversed and upheld, and through the API) replay against the current workflow code. They are
 * kept apart from the case histories (test/replay/histories), whose test reads a case input from each.
 */
const HISTORIES_DIR = path.join(__dirname, 'settlement-histories');

describe('replay of recorded settlement histories', () => {
  const files = fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.binpb')).sort();

  it('holds a history of each settlement workflow type', () => {
    const types = files.map((f) => temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORIES_DIR, f))).events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name);
    expect(new Set(types)).toEqual(new Set(['settlementPeriodWorkflow', 'statementWorkflow']));
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const histories = files.map((f) => ({ workflowId: path.basename(f, '.binpb'), history: temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORIES_DIR, f))) }));
    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories({ ...caseWorkflowCode(), replayName: 'settlement' }, histories)) results.push(result);
    expect(results.map((r) => r.workflowId)).toEqual(histories.map((h) => h.workflowId));
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
  });
});
