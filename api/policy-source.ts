/**
 * The policy rules new cases open under: the store's active version, read at most every few seconds (an activation
 * here applies at once, on other API processes within the refresh interval), or the file and environment's policy
 * while no version was ever activated. A store that does not answer leaves the last rules known in force, so opening
 * cases never waits on the store.
 */
import type mongoose from 'mongoose';
import { activePolicyRules } from '../activities/store/policy-store';
import type { CasePolicy } from '../workflows/policy';
import type { PolicyRules } from '../workflows/policy-rules';
import { withTimeout } from './with-timeout';

export class PolicySource {
  private current: PolicyRules;
  private readAt = 0;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly store: mongoose.Connection,
    readonly fallback: CasePolicy,
    private readonly refreshMs = 5_000,
  ) {
    this.current = { version: fallback.version, base: fallback, overrides: [] };
  }

  async rules(): Promise<PolicyRules> {
    if (Date.now() - this.readAt >= this.refreshMs) await (this.reading ??= this.read().finally(() => (this.reading = undefined)));
    return this.current;
  }

  /** The next call reads the store again (after an activation in this process). */
  invalidate(): void {
    this.readAt = 0;
  }

  private async read(): Promise<void> {
    try {
      const active = await withTimeout(activePolicyRules(this.store), 1_000);
      this.current = active ?? { version: this.fallback.version, base: this.fallback, overrides: [] };
    } catch (err) {
      console.warn('policy rules not read; the last known stay in force', err instanceof Error ? err.message : String(err));
    }
    this.readAt = Date.now();
  }
}
