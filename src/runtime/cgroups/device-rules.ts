import type { LinuxDeviceCgroup } from '../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../lib/errors.ts';
import { checkDeviceNumber } from './resource-checks.ts';

// linux.resources.devices means what the cgroup v1 devices controller makes of it, written in
// order; v2 has no such controller, so its eBPF program must decide the same way. This file
// holds the one model of those semantics, the kernel's own (security/device_cgroup.c):
//
// - a cgroup has a default (allow or deny) and a list of exceptions (type, major, minor, access);
// - "a" (all devices, all access) resets: the default becomes allow or deny, no exceptions;
// - any other rule whose verdict differs from the default adds an exception (merging the
//   access of an identical type:major:minor entry), and one whose verdict equals the default
//   takes its access away from the identical entry (exact match only, as the kernel does);
// - with default deny, an access is allowed when ONE exception covers all of its bits; with
//   default allow, an access is denied when any exception shares a bit with it.
//
// A new cgroup starts as a copy of its parent, which berth assumes allows everything (the host
// root's state; nesting inside a restricted cgroup narrows it further, by the kernel's rules).

export const WILDCARD = -1;

export type DeviceType = 'b' | 'c';

export interface DeviceException {
  type: DeviceType;
  major: number; // WILDCARD or a number
  minor: number;
  access: string; // a non-empty subset of "rwm", in that order
}

export interface DeviceRule {
  allow: boolean;
  // 'a' only for the full reset ("a *:* rwm"); a partial 'a' rule is split into 'b' and 'c'
  type: 'a' | DeviceType;
  major: number;
  minor: number;
  access: string;
}

export interface DeviceCgroupState {
  defaultAllow: boolean;
  exceptions: DeviceException[];
}

const F = 'linux.resources.devices';

function canonicalAccess(field: string, access: unknown): string {
  if (typeof access !== 'string' || access === '') {
    // runc refuses it too: an empty access would mean no access in v1 and all of it elsewhere
    throw new InvalidConfigError(field, `${JSON.stringify(access ?? null)} is not a device access such as "rwm"`);
  }
  if (!/^[rwm]+$/.test(access)) throw new InvalidConfigError(field, `"${access}" is not a device access: expected letters of "rwm"`);
  return ['r', 'w', 'm'].filter((c) => access.includes(c)).join('');
}

function deviceNumber(field: string, v: number | undefined): number {
  if (v === undefined || v === WILDCARD) return WILDCARD;
  return checkDeviceNumber(field, v);
}

// OCI rules -> rules the model (and the kernel's devices.allow parser) takes literally.
export function normalizeDeviceRules(devices: LinuxDeviceCgroup[], field = F): DeviceRule[] {
  const out: DeviceRule[] = [];
  devices.forEach((d, i) => {
    const f = `${field}[${i}]`;
    if (typeof d !== 'object' || d === null || typeof d.allow !== 'boolean') throw new InvalidConfigError(`${f}.allow`, 'must be true or false');
    const type = d.type ?? 'a';
    if (type !== 'a' && type !== 'b' && type !== 'c') throw new InvalidConfigError(`${f}.type`, `"${String(type)}" is not a device type: expected a, b or c`);
    const major = deviceNumber(`${f}.major`, d.major);
    const minor = deviceNumber(`${f}.minor`, d.minor);
    const access = canonicalAccess(`${f}.access`, d.access);
    if (type === 'a' && (major !== WILDCARD || minor !== WILDCARD || access !== 'rwm')) {
      // the kernel reads any line starting with "a" as the full reset; keep the rule's meaning
      out.push({ allow: d.allow, type: 'b', major, minor, access }, { allow: d.allow, type: 'c', major, minor, access });
    } else {
      out.push({ allow: d.allow, type, major, minor, access });
    }
  });
  return out;
}

const mergeAccess = (a: string, b: string): string => ['r', 'w', 'm'].filter((c) => a.includes(c) || b.includes(c)).join('');
const removeAccess = (a: string, b: string): string => ['r', 'w', 'm'].filter((c) => a.includes(c) && !b.includes(c)).join('');

// Applies rules in order to a state, as writes to devices.allow/devices.deny would.
export function applyDeviceRules(rules: DeviceRule[], start: DeviceCgroupState = { defaultAllow: true, exceptions: [] }): DeviceCgroupState {
  let defaultAllow = start.defaultAllow;
  let exceptions = start.exceptions.map((e) => ({ ...e }));
  for (const r of rules) {
    if (r.type === 'a') {
      defaultAllow = r.allow;
      exceptions = [];
      continue;
    }
    const same = exceptions.find((e) => e.type === r.type && e.major === r.major && e.minor === r.minor);
    if (r.allow !== defaultAllow) {
      if (same) same.access = mergeAccess(same.access, r.access);
      else exceptions.push({ type: r.type, major: r.major, minor: r.minor, access: r.access });
    } else if (same) {
      same.access = removeAccess(same.access, r.access);
      if (same.access === '') exceptions = exceptions.filter((e) => e !== same);
    }
  }
  return { defaultAllow, exceptions };
}

export function effectiveDeviceState(devices: LinuxDeviceCgroup[] | undefined): DeviceCgroupState {
  return applyDeviceRules(normalizeDeviceRules(devices ?? []));
}

// The kernel's check (devcgroup_legacy_check_permission) for one access of the container.
export function isDeviceAccessAllowed(state: DeviceCgroupState, type: DeviceType, major: number, minor: number, access: string): boolean {
  const matches = (e: DeviceException): boolean =>
    e.type === type && (e.major === WILDCARD || e.major === major) && (e.minor === WILDCARD || e.minor === minor);
  if (state.defaultAllow) {
    return !state.exceptions.some((e) => matches(e) && [...access].some((c) => e.access.includes(c)));
  }
  return state.exceptions.some((e) => matches(e) && [...access].every((c) => e.access.includes(c)));
}

// "c 1:3 rwm" as devices.allow, devices.deny and devices.list spell it.
export function formatDeviceException(e: { type: string; major: number; minor: number; access: string }): string {
  const n = (v: number): string => (v === WILDCARD ? '*' : String(v));
  return `${e.type} ${n(e.major)}:${n(e.minor)} ${e.access}`;
}
