import { readFileSync } from 'node:fs';
import type { LinuxSeccomp } from '../../oci/runtime-spec.ts';
import { capabilityNumber, DOCKER_DEFAULT_CAPS, resolveDockerDefaultProfile } from '../../runtime/index.ts';
import { hostCapabilities } from './host-capabilities.ts';
import { UsageError } from '../../lib/errors.ts';
import type { HostConfig } from '../container-types.ts';

function normalise(name: string, flag: string): string {
  const upper = name.toUpperCase();
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (capabilityNumber(full) === undefined) throw new UsageError(`invalid value "${name}" for ${flag}: unknown capability`);
  return full;
}

// docker's capability arithmetic: its 14 defaults, plus --cap-add, minus --cap-drop ("ALL"
// works in both); --privileged gives every capability the host can give (`all`).
export function capabilitySet(h: HostConfig, all: readonly string[] = hostCapabilities()): string[] {
  if (h.Privileged) return [...all];
  const add = h.CapAdd ?? [];
  const drop = h.CapDrop ?? [];
  let caps = new Set(DOCKER_DEFAULT_CAPS);
  if (drop.some((d) => d.toUpperCase() === 'ALL')) caps = new Set();
  else for (const d of drop) caps.delete(normalise(d, '--cap-drop'));
  if (add.some((a) => a.toUpperCase() === 'ALL')) for (const c of all) caps.add(c);
  else for (const a of add) caps.add(normalise(a, '--cap-add'));
  return [...caps];
}

export interface SecurityOptions {
  seccomp?: LinuxSeccomp;
  noNewPrivileges: boolean;
  apparmorProfile?: string;
}

// --security-opt: seccomp=unconfined|<file>, no-new-privileges[:true|false], apparmor=<profile>,
// label=... (SELinux). The default seccomp profile is docker's, resolved for the container's
// capabilities; --privileged runs without one, as docker does.
export function securityOptions(h: HostConfig, caps: string[]): SecurityOptions {
  let seccomp: LinuxSeccomp | undefined = h.Privileged ? undefined : resolveDockerDefaultProfile({ capabilities: caps });
  let noNewPrivileges = false;
  let apparmorProfile: string | undefined;
  for (const opt of h.SecurityOpt ?? []) {
    const sep = opt.search(/[=:]/);
    const key = sep < 0 ? opt : opt.slice(0, sep);
    const value = sep < 0 ? '' : opt.slice(sep + 1);
    if (key === 'seccomp') {
      if (value === 'unconfined') seccomp = undefined;
      else if (value) {
        try {
          seccomp = JSON.parse(readFileSync(value, 'utf8')) as LinuxSeccomp;
        } catch (err) {
          throw new UsageError(`invalid --security-opt seccomp=${value}: ${(err as Error).message}`);
        }
      } else throw new UsageError('invalid --security-opt "seccomp": expected seccomp=unconfined or seccomp=<profile.json>');
    } else if (key === 'no-new-privileges') {
      if (value !== '' && value !== 'true' && value !== 'false') throw new UsageError(`invalid --security-opt "${opt}": expected no-new-privileges[:true|false]`);
      noNewPrivileges = value !== 'false';
    } else if (key === 'apparmor') {
      if (value !== 'unconfined') apparmorProfile = value;
    } else if (key === 'label') {
      if (value !== 'disable') throw new UsageError(`invalid --security-opt "${opt}": SELinux is not enabled on this host (only label=disable is accepted)`);
    } else {
      throw new UsageError(`invalid --security-opt "${opt}": expected seccomp=, no-new-privileges, apparmor= or label=`);
    }
  }
  return { ...(seccomp ? { seccomp } : {}), noNewPrivileges, ...(apparmorProfile ? { apparmorProfile } : {}) };
}
