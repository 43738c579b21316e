import { execFileSync } from 'node:child_process';
import { findInPath } from '../../src/lib/find-in-path.ts';

// The peers benchmarks and scripts compare berth with (runc, crun, podman, Go...) come from
// Debian's registry, the one this machine can reach: a program missing from PATH is installed
// from its package (named like the program unless given as [program, package]).
export function installMissing(tools: (string | [program: string, pkg: string])[]): void {
  for (const tool of tools) {
    const [program, pkg] = typeof tool === 'string' ? [tool, tool] : tool;
    if (findInPath(program, process.env['PATH'] ?? '')) continue;
    console.log(`installing ${pkg} from Debian`);
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}
