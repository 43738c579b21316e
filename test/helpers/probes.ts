import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './busybox-rootfs.ts';

const SOURCES = join(REPO, 'test', 'probes');

export interface Probes {
  dir: string;
  // copies every probe into <rootfs>/probes/, owned by root, mode 0755
  install(rootfs: string): void;
  remove(): void;
}

// The static C probes of test/probes/, built for this test run (gcc and static libc come with
// install.sh); nothing is kept between runs.
export function buildProbes(): Probes {
  const dir = mkdtempSync(join(tmpdir(), 'berth-probes-'));
  try {
    for (const file of readdirSync(SOURCES).filter((f) => f.endsWith('.c'))) {
      const name = file.slice(0, -2);
      execFileSync('cc', ['-static', '-O2', '-Wall', '-Werror', '-o', join(dir, name), join(SOURCES, file)], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    install(rootfs: string): void {
      const target = join(rootfs, 'probes');
      mkdirSync(target, { recursive: true });
      for (const name of readdirSync(dir)) {
        copyFileSync(join(dir, name), join(target, name));
        chmodSync(join(target, name), 0o755);
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ProbeRow {
  attack: string;
  outcome: string;
  errno: string;
  detail: string;
}

// The probes' report lines (test/probes/probe.h): attack, outcome, errno name, detail.
export function parseProbeRows(stdout: string): ProbeRow[] {
  return stdout
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [attack = '', outcome = '', errno = '', ...rest] = l.split('\t');
      return { attack, outcome, errno, detail: rest.join(' ') };
    });
}
