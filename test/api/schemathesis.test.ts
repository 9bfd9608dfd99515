import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type mongoose from 'mongoose';
import { caseModel, caseViewModel } from '../../activities/store/case-model';
import { calendarYearModel } from '../../activities/store/calendar-store';
import { policyVersionModel } from '../../activities/store/policy-store';
import { qaReopeningModel, qaReviewModel } from '../../activities/store/qa-samples';
import { attachmentModel, caseMessageModel } from '../../activities/store/case-thread';
import { DEV_API_KEYS } from '../../config/api-keys';
import { describeFailures, runSchemathesis } from '../../tools/faults/schemathesis';
import { createLogger } from '../../telemetry/logger';
import { ApiHarness, startApiHarness } from './harness';

/**
 * A bounded sample of what `npm run faults` does at volume: schemathesis (provisioned into .tools/) generates requests
 * from /openapi.json (its examples and a little fuzzing, fixed seed) as the widest role and as a merchant (scoped to its own cases), and
 * checks every answer against the document: no 5xx, documented status, content type, headers and body, bad input
 * refused, good input taken, 405 for an undocumented method. Any failed check fails the test with what it was; and the
store must hold exactly what the accepted creates made (nothing from a refused request).
 */
const SAMPLE_ROLES = ['admin-dev', 'merchant-a-user'];

/**
 * What each creating route adds to the store when it answers 201. After the run every collection holds exactly as many
 * documents as were accepted: a refused request wrote nothing. Cases reach the store through the worker's projection,
 * so their count is awaited.
 */
const CREATES: Array<{ route: string; count: (store: mongoose.Connection) => Promise<number> }> = [
  // A complaint opens a case too: the cases POST /cases made are those that are no complaint.
  { route: 'POST /cases', count: async (store) => (await caseModel(store).countDocuments({})) - (await complaints(store)) },
  { route: 'POST /cases/:id/complaints', count: (store) => complaints(store) },
  { route: 'POST /admin/policies', count: (store) => policyVersionModel(store).countDocuments({}) },
  { route: 'POST /admin/calendars', count: (store) => calendarYearModel(store).countDocuments({}) },
  { route: 'POST /qa/reviews', count: (store) => qaReviewModel(store).countDocuments({}) },
  { route: 'POST /qa/reopenings', count: (store) => qaReopeningModel(store).countDocuments({}) },
  { route: 'POST /cases/:id/messages', count: (store) => caseMessageModel(store).countDocuments({}) },
  { route: 'POST /cases/:id/attachments', count: (store) => attachmentModel(store).countDocuments({}) },
];

const complaints = (store: mongoose.Connection) => caseViewModel(store).countDocuments({ 'view.aboutCaseId': { $exists: true } });

interface LoggedAnswer {
  method: string;
  route: string;
  status: number;
}

describe('the API under schemathesis (requests generated from /openapi.json)', () => {
  let harness: ApiHarness;
  let server: Server;
  let apiUrl: string;
  const answers: LoggedAnswer[] = [];

  beforeAll(async () => {
    harness = await startApiHarness({ logger: createLogger('api', 'info', { write: (line: string) => void answers.push(JSON.parse(line) as LoggedAnswer) }) });
    server = harness.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 180_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await harness?.stop();
  });

  it.each(SAMPLE_ROLES)('answers every generated request as documented, as %s', async (id) => {
    const entry = DEV_API_KEYS.find((k) => k.id === id)!;
    // One worker thread: with several, CPython 3.11's ast.parse (Hypothesis describing a lambda) can fail with
    // "AST constructor recursion depth mismatch", a schemathesis error that is not the API's.
    const result = await runSchemathesis({ apiUrl, key: entry.key, phases: ['examples', 'fuzzing'], maxExamples: 2, seed: 20261123, workers: 1 });
    if (result.requests === 0) throw new Error(`schemathesis sent no request (exit ${result.exitCode}):\n${result.tail}`);
    expect(describeFailures(result.failures)).toEqual([]);
    // Schemathesis exits non-zero on errors too (e.g. a request it could not send): its own summary says which.
    expect({ exitCode: result.exitCode, output: result.exitCode === 0 ? '' : result.tail }).toEqual({ exitCode: 0, output: '' });
    expect(await storedAgainstAccepted()).toEqual(acceptedCreates());
  }, 180_000);

  const acceptedCreates = () =>
    Object.fromEntries(CREATES.map(({ route }) => [route, answers.filter((a) => `${a.method} ${a.route}` === route && a.status === 201).length]));

  /** The documents of each created kind in the store, waiting (a while) for the projection of accepted cases. */
  async function storedAgainstAccepted(): Promise<Record<string, number>> {
    const expected = acceptedCreates();
    let stored: Record<string, number> = {};
    for (let attempt = 0; attempt < 60; attempt++) {
      stored = Object.fromEntries(await Promise.all(CREATES.map(async ({ route, count }) => [route, await count(harness.store)] as const)));
      if (CREATES.every(({ route }) => stored[route] === expected[route])) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return stored;
  }
});
