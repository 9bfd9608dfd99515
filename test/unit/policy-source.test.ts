import mongoose from 'mongoose';
import { PolicySource } from '../../api/policy-source';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { capturedLogger } from '../support/captured-logger';

describe('the policy rules the API opens cases under', () => {
  it("warns through the process's logger when the store does not answer, and keeps the file's policy in force", async () => {
    const { logger, entries } = capturedLogger();
    // Never connected: a read waits 50 ms for it (mongoose's buffer, this test file's own mongoose), then fails.
    mongoose.set('bufferTimeoutMS', 50);
    const store = mongoose.createConnection();
    const rules = await new PolicySource(store, DEFAULT_POLICY, logger).rules();

    expect(rules).toEqual({ version: DEFAULT_POLICY.version, base: DEFAULT_POLICY, overrides: [] });
    expect(entries).toEqual([expect.objectContaining({ level: 'warn', name: 'test', msg: 'policy rules not read; the last known stay in force', err: expect.objectContaining({ message: expect.stringContaining('buffering timed out') }) })]);
    await store.close();
  });
});
