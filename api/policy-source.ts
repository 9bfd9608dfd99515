/**
 * The policy rules new cases open under: the store's active version, or the file and environment's policy while no
 * version was ever activated, with the calendar years operators keep in the store in place of the policy's own for those
 * years. Read at most every few seconds (a change here applies at once, on other API processes within the refresh
 * interval); a store that does not answer leaves the last rules known in force, and only the first read and the one
 * after a change here are waited for (at most a second), so opening cases does not wait on the store.
 */
import type mongoose from 'mongoose';
import { effectivePolicyRules } from '../activities/store/effective-policy';
import type { CasePolicy } from '../workflows/policy';
import type { PolicyRules } from '../workflows/policy-rules';
import { withTimeout } from '../activities/with-timeout';
import type { Logger } from '../telemetry/logger';

export class PolicySource {
  private current: PolicyRules;
  private readAt = 0;
  private reading: Promise<void> | undefined;
  /** Bumped by invalidate(): a read begun before it does not overwrite what is read after. */
  private generation = 0;

  constructor(
    private readonly store: mongoose.Connection,
    readonly fallback: CasePolicy,
    private readonly logger: Logger,
    private readonly refreshMs = 5_000,
  ) {
    this.current = { version: fallback.version, base: fallback, overrides: [] };
  }

  /** Waits for the store only on the first call and after an invalidation; otherwise a stale read refreshes behind. */
  async rules(): Promise<PolicyRules> {
    const stale = Date.now() - this.readAt >= this.refreshMs;
    if (stale && !this.reading) {
      const reading = this.read().finally(() => {
        if (this.reading === reading) this.reading = undefined;
      });
      this.reading = reading;
    }
    if (this.readAt === 0) await this.reading;
    return this.current;
  }

  /** The next call reads the store again (after an activation in this process). */
  invalidate(): void {
    this.generation++;
    this.readAt = 0;
    this.reading = undefined;
  }

  private async read(): Promise<void> {
    const generation = this.generation;
    try {
      const rules = await withTimeout(effectivePolicyRules(this.store, this.fallback), 1_000);
      if (generation !== this.generation) return;
      this.current = rules;
    } catch (err) {
      this.logger.warn({ err }, 'policy rules not read; the last known stay in force');
    }
    if (generation === this.generation) this.readAt = Date.now();
  }
}
