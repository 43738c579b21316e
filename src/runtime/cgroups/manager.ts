import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { LinuxResources } from '../../oci/runtime-spec.ts';
import { InvalidConfigError, SystemError } from '../../lib/errors.ts';
import { selectCgroupDriver, type CgroupDriver, type CgroupMode } from './cgroup-drivers.ts';
import { readCgroupFileIfExists } from './cgroup-file.ts';
import { emptyApplyReport, type ApplyReport } from './controller.ts';
import type { FreezerState } from './freezer-state.ts';
import { cgroupPids, pidsDir, removeCgroupDirs, type CgroupDir } from './placement.ts';
import { emptyStats, type CgroupStats } from './stats.ts';
import { checkControllersAvailable, delegateInCreatedDirs } from './subtree-control.ts';
import { freezeV1, readV1FreezerState, thawV1 } from './v1/freezer.ts';
import { readV1OomKillCount } from './v1/memory.ts';
import { freezeV2, readV2FreezerState, thawV2 } from './v2/freezer.ts';
import { readV2OomKillCount } from './v2/memory.ts';

// One interface over a container's cgroups, whatever the host has (youki's CgroupManager,
// crun's libcrun_cgroup_manager vtable). It works on the directories placement.ts computed and
// created; choosing which controller serves what is cgroup-drivers.ts's job.
//
// It does not put processes into the cgroups: the C helper writes the container's pid into each
// cgroup.procs before the container runs anything (OP_CGROUP_ENTER).

export type { CgroupMode } from './cgroup-drivers.ts';
export type { ApplyReport, NativeCgroupStep, BpfDevicesRequest } from './controller.ts';
export type { FreezerState } from './freezer-state.ts';

export interface CgroupManager {
  readonly mode: CgroupMode;
  readonly dirs: readonly CgroupDir[];
  // At create, after createCgroupDirs and before the container runs anything: delegates
  // controllers in the directories berth created (v2), checks the needed ones are there, writes
  // every limit. report.native holds what only the helper can do (v2 devices: OP_BPF_DEVICES).
  apply(resources: LinuxResources | undefined): ApplyReport;
  // `berth-runtime update`: writes the fields present in `resources` (the caller merges the
  // flags into the config's resources first, as runc does), delegates nothing. Devices are
  // rewritten only when `resources.devices` is given.
  update(resources: LinuxResources): ApplyReport;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  freezerState(): FreezerState;
  // frozen or on the way: what `state` reports as paused
  isFrozen(): boolean;
  stats(): CgroupStats;
  // the processes of the container; with `recursive`, of the cgroups below it too
  pids(recursive?: boolean): number[];
  // OOM kills the kernel counted in the container's memory cgroup since it was made
  oomKillCount(): bigint;
  // the file whose modification signals an OOM kill (v2 memory.events), for watchers
  oomNotifyFile(): string | undefined;
  // removes the directories berth created for this container, deepest first; a parent that
  // still holds other cgroups (another container's) is left in place
  destroy(): void;
}

export interface CgroupManagerOptions {
  // what createCgroupDirs returned: the directories berth made for this container
  created?: readonly string[];
}

class CgroupfsManager implements CgroupManager {
  readonly mode: CgroupMode;
  readonly dirs: readonly CgroupDir[];
  readonly #driver: CgroupDriver;
  readonly #created: readonly string[];

  constructor(dirs: CgroupDir[], options: CgroupManagerOptions) {
    this.dirs = dirs;
    this.#driver = selectCgroupDriver(dirs);
    this.mode = this.#driver.mode;
    this.#created = options.created ?? [];
  }

  apply(resources: LinuxResources | undefined): ApplyReport {
    return this.#write(resources ?? {}, true);
  }

  update(resources: LinuxResources): ApplyReport {
    return this.#write(resources, false);
  }

  #write(r: LinuxResources, delegate: boolean): ApplyReport {
    const report = emptyApplyReport();
    for (const u of this.#driver.unbound) {
      if (!u.controller.isRequested(r)) continue;
      if (u.warning) report.warnings.push(`${u.controller.field}: ${u.warning}`);
      else throw new InvalidConfigError(u.controller.field, u.reason);
    }
    const v2 = this.dirs.find((d) => d.version === 2);
    if (v2) {
      if (delegate) delegateInCreatedDirs(v2.mountPoint, v2.path, this.#created);
      const needed = this.#driver.bindings
        .filter((b) => b.dir.version === 2 && !b.controller.core && b.controller.isRequested(r))
        .map((b) => ({ controller: b.controller.name, field: b.controller.field }));
      checkControllersAvailable(v2.mountPoint, v2.path, needed);
    }
    for (const b of this.#driver.bindings) b.controller.apply(r, b.dir.path, report);
    return report;
  }

  async freeze(): Promise<void> {
    const d = this.#freezer();
    if (d.version === 1) await freezeV1(d.path);
    else await freezeV2(d.path);
  }

  async thaw(): Promise<void> {
    const d = this.#freezer();
    if (d.version === 1) await thawV1(d.path);
    else await thawV2(d.path);
  }

  freezerState(): FreezerState {
    const d = this.#driver.freezerDir;
    if (!d) return 'thawed';
    return d.version === 1 ? readV1FreezerState(d.path) : readV2FreezerState(d.path);
  }

  isFrozen(): boolean {
    return this.freezerState() !== 'thawed';
  }

  #freezer(): CgroupDir {
    const d = this.#driver.freezerDir;
    if (!d) throw new SystemError('E_CGROUP_NO_FREEZER', 'cannot pause: this host mounts no freezer cgroup and has no cgroup v2', 'ENOTSUP');
    return d;
  }

  stats(): CgroupStats {
    const s = emptyStats();
    for (const b of this.#driver.bindings) b.controller.stats?.(b.dir.path, s);
    return s;
  }

  pids(recursive = true): number[] {
    const d = pidsDir([...this.dirs]);
    if (!d) return [];
    if (recursive) return cgroupPids(d.path);
    return (readCgroupFileIfExists(d.path, 'cgroup.procs') ?? '').split('\n').filter(Boolean).map(Number);
  }

  oomKillCount(): bigint {
    const d = this.#driver.memoryDir;
    if (!d) return 0n;
    return d.version === 1 ? readV1OomKillCount(d.path) : readV2OomKillCount(d.path);
  }

  oomNotifyFile(): string | undefined {
    const d = this.#driver.memoryDir;
    return d?.version === 2 ? join(d.path, 'memory.events') : undefined;
  }

  // Cgroups the container made below its own (a nested runtime, systemd in the container) go
  // first, as runc removes them; a created parent with other children stays (placement.ts).
  destroy(): void {
    const own = new Set(this.#created);
    const nested = this.dirs.filter((d) => own.has(d.path)).flatMap((d) => descendantDirs(d.path));
    removeCgroupDirs([...nested, ...this.#created]);
  }
}

function descendantDirs(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory()).flatMap((e) => [join(dir, e.name), ...descendantDirs(join(dir, e.name))]);
}

export function createCgroupManager(dirs: CgroupDir[], options: CgroupManagerOptions = {}): CgroupManager {
  return new CgroupfsManager(dirs, options);
}
