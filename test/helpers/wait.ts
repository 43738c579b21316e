export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// Polls until fn returns something other than undefined or false.
export async function waitFor<T>(fn: () => T | Promise<T>, o: { timeoutMs?: number; what?: string } = {}): Promise<Exclude<T, false | undefined>> {
  const end = Date.now() + (o.timeoutMs ?? 15_000);
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as Exclude<T, false | undefined>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${o.what ?? 'a condition'}`);
    await sleep(50);
  }
}
