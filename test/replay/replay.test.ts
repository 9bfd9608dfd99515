import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { caseWorkflowCode } from '../../worker/workflow-bundle';
import { CASE_KINDS, type CaseInput } from '../../workflows/domain/case';

type History = temporal.api.history.v1.IHistory;

const HISTORIES_DIR = path.join(__dirname, 'histories');

interface RecordedCase {
  workflowId: string;
  history: History;
  kind: CaseInput['kind'];
}

function recordedCases(): RecordedCase[] {
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.binpb'))
    .sort()
    .map((file) => {
      const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORIES_DIR, file)));
      return { workflowId: path.basename(file, '.binpb'), history, kind: startInput(history).kind };
    });
}

/** The case input a recorded history started with (the JSON payload of its first event). */
function startInput(history: History): CaseInput {
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload?.data) throw new Error('history does not start with a workflow input');
  return JSON.parse(Buffer.from(payload.data).toString('utf8')) as CaseInput;
}

async function replay(workflowsPath: string, cases: RecordedCase[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const histories = cases.map(({ workflowId, history }) => ({ workflowId, history }));
  for await (const result of Worker.runReplayHistories({ ...caseWorkflowCode(workflowsPath), replayName: 'recorded-cases' }, histories)) results.push(result);
  return results;
}

describe('replay of recorded case histories', () => {
  const cases = recordedCases();

  it('holds at least one recorded history of every kind of case', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(CASE_KINDS));
  });

  it('replays every recorded history against the current workflow code without a nondeterminism error', async () => {
    const results = await replay(require.resolve('../../workflows'), cases);
    expect(results.map((r) => r.workflowId)).toEqual(cases.map((c) => c.workflowId));
    const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`);
    expect(failures).toEqual([]);
    // Bundling and replaying every history takes minutes on a loaded 2-core machine.
  }, 300_000);

  it('catches a change of workflow logic made without patched()', async () => {
    const results = await replay(require.resolve('./fixtures/unpatched-change'), cases);
    expect(results).toHaveLength(cases.length);
    for (const result of results) expect(result.error).toBeInstanceOf(DeterminismViolationError);
  }, 300_000);
});
