// Undo actions for a multi-step operation: pushed as each step succeeds, run in reverse if a
// later one fails, so a failed create leaves nothing behind. Every undo runs even if one fails.
export class Rollback {
  readonly #undo: { what: string; fn: () => void | Promise<void> }[] = [];

  push(what: string, fn: () => void | Promise<void>): void {
    this.#undo.push({ what, fn });
  }

  // The operation succeeded: keep everything.
  commit(): void {
    this.#undo.length = 0;
  }

  async run(): Promise<string[]> {
    const failures: string[] = [];
    while (this.#undo.length > 0) {
      const { what, fn } = this.#undo.pop()!;
      try {
        await fn();
      } catch (err) {
        failures.push(`${what}: ${(err as Error).message}`);
      }
    }
    return failures;
  }
}
