import { readFileSync } from 'node:fs';

function isGone(pid: number): boolean {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

// Waits until each pid has exited (a zombie counts: it holds no resources but its pid), up to
// `timeoutMs`. Returns the pids still running.
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter((p) => !isGone(p));
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
    left = left.filter((p) => !isGone(p));
  }
  return left;
}
