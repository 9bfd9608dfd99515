/** Everything the bench started, stopped in reverse order exactly once: at the end, on failure, or on Ctrl-C. */
export class Teardown {
  private readonly steps: Array<{ what: string; stop: () => Promise<unknown> }> = [];
  private running?: Promise<void>;

  add(what: string, stop: () => Promise<unknown>): void {
    if (this.running) {
      // Started while stopping (an interrupted start-up): stop it right away.
      void stop().catch(() => undefined);
      return;
    }
    this.steps.push({ what, stop });
  }

  run(): Promise<void> {
    return (this.running ??= (async () => {
      for (const { what, stop } of this.steps.reverse()) {
        await stop().catch((err: unknown) => console.error(`bench: stopping ${what} failed:`, err instanceof Error ? err.message : err));
      }
    })());
  }
}
