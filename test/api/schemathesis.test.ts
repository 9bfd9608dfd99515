import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEV_API_KEYS } from '../../config/api-keys';
import { describeFailures, runSchemathesis } from '../../scripts/faults/schemathesis';
import { ApiHarness, startApiHarness } from './harness';

/**
 * A bounded sample of what `npm run faults` does at volume: schemathesis (provisioned into .tools/) generates requests
 * from /openapi.json (its examples and a little fuzzing, fixed seed) as the widest role and as a merchant (scoped to its own cases), and
 * checks every answer against the document: no 5xx, documented status, content type, headers and body, bad input
 * refused, good input taken, 405 for an undocumented method. Any failed check fails the test with what it was.
 */
const SAMPLE_ROLES = ['admin-dev', 'merchant-a-user'];

describe('the API under schemathesis (requests generated from /openapi.json)', () => {
  let harness: ApiHarness;
  let server: Server;
  let apiUrl: string;

  beforeAll(async () => {
    harness = await startApiHarness();
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
  }, 120_000);
});
