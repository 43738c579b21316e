// What a container may do, seen from inside: capabilities (--cap-add/--cap-drop/--privileged, as
// CapEff), seccomp and no-new-privileges (--security-opt), devices (--device), rlimits (--ulimit),
// /dev/shm (--shm-size), and the resource flags as the container's own cgroup files show them.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { berthEnv, cliSkipReason, leakCheck, runBerth } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

// docker's 14 default capabilities: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
// NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP
const DOCKER_DEFAULT = 0xa80425fbn;
const bit = (n: number): bigint => 1n << BigInt(n);
const CAP = { CHOWN: 0, NET_ADMIN: 12, NET_RAW: 13, SYS_ADMIN: 21, SYS_TIME: 25 };

async function status(args: string[], field: string): Promise<string> {
  const r = await runBerth(0, 'run', '--rm', ...args, 'busybox', 'sh', '-c', `grep "^${field}:" /proc/self/status`);
  return r.stdout.split(':')[1]!.trim();
}

const capEff = async (args: string[]): Promise<bigint> => BigInt(`0x${await status(args, 'CapEff')}`);

describe('security', { concurrency: 3 }, () => {
  test('capabilities: docker\'s default set; --cap-add, --cap-drop (with or without CAP_, any case, ALL)', { skip }, async () => {
    assert.equal(await capEff([]), DOCKER_DEFAULT);
    assert.equal(await capEff(['--cap-add', 'NET_ADMIN']), DOCKER_DEFAULT | bit(CAP.NET_ADMIN));
    assert.equal(await capEff(['--cap-add', 'cap_sys_time', '--cap-drop', 'chown']), (DOCKER_DEFAULT | bit(CAP.SYS_TIME)) & ~bit(CAP.CHOWN));
    assert.equal(await capEff(['--cap-drop', 'ALL']), 0n);
    assert.equal(await capEff(['--cap-drop', 'ALL', '--cap-add', 'NET_RAW']), bit(CAP.NET_RAW));
    // the bounding set follows, so nothing can be regained
    assert.equal(BigInt(`0x${await status(['--cap-drop', 'ALL'], 'CapBnd')}`), 0n);
    assert.match((await runBerth(125, 'run', '--rm', '--cap-add', 'NOT_A_CAP', 'busybox', 'true')).stderr, /NOT_A_CAP.*unknown capability/);
    // a dropped capability is really gone: chown needs CAP_CHOWN
    const r = await runBerth(1, 'run', '--rm', '--cap-drop', 'CHOWN', 'busybox', 'chown', 'nobody', '/tmp');
    assert.match(r.stderr, /Operation not permitted/);
  });

  test('--privileged: every capability the host has, no seccomp, the host\'s devices, /sys writable', { skip }, async () => {
    const hostBnd = BigInt(`0x${/^CapBnd:\s+([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
    const r = await runBerth(0, 'run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status; ls /dev | wc -l; grep " /sys " /proc/self/mounts');
    const [eff, seccomp, devices, sys] = r.stdout.trim().split('\n');
    assert.equal(BigInt(`0x${eff!.split(':')[1]!.trim()}`), hostBnd);
    assert.equal(seccomp!.split(':')[1]!.trim(), '0');
    const defaultDevices = Number((await runBerth(0, 'run', '--rm', 'busybox', 'sh', '-c', 'ls /dev | wc -l')).stdout.trim());
    assert.ok(Number(devices) > defaultDevices, `privileged sees the host's devices (${devices} > ${defaultDevices})`);
    assert.match(sys!, /\brw\b/);
  });

  test('--security-opt seccomp=unconfined and no-new-privileges', { skip }, async () => {
    assert.equal(await status([], 'Seccomp'), '2');
    assert.equal(await status(['--security-opt', 'seccomp=unconfined'], 'Seccomp'), '0');
    assert.equal(await status([], 'NoNewPrivs'), '0');
    assert.equal(await status(['--security-opt', 'no-new-privileges'], 'NoNewPrivs'), '1');
    assert.equal(await status(['--security-opt', 'no-new-privileges:true'], 'NoNewPrivs'), '1');
    assert.equal(await status(['--security-opt', 'no-new-privileges=false'], 'NoNewPrivs'), '0');
    // the default profile refuses what docker's refuses (here: changing the host name of another
    // uts namespace needs unshare, which the profile allows only with CAP_SYS_ADMIN)
    assert.match((await runBerth(1, 'run', '--rm', 'busybox', 'unshare', '-u', 'true')).stderr, /Operation not permitted/);
    assert.match((await runBerth(125, 'run', '--rm', '--security-opt', 'seccomp=/no/such/profile.json', 'busybox', 'true')).stderr, /seccomp=\/no\/such\/profile.json/);
    assert.match((await runBerth(125, 'run', '--rm', '--security-opt', 'bogus', 'busybox', 'true')).stderr, /invalid --security-opt "bogus"/);
  });

  test('--device: the node is there and usable, with its permissions; others are not', { skip }, async () => {
    // /dev/loop-control (10:237) is outside docker's default device rules
    const without = await runBerth(1, 'run', '--rm', 'busybox', 'sh', '-c', 'mknod /tmp/lc c 10 237 && exec 3</tmp/lc');
    assert.match(without.stderr, /Operation not permitted/);
    const r = await runBerth(0, 'run', '--rm', '--device', '/dev/loop-control', 'busybox', 'sh', '-c', 'ls -l /dev/loop-control; exec 3</dev/loop-control && echo opened');
    assert.match(r.stdout, /^c.* 10,\s+237 .*\/dev\/loop-control\nopened\n$/);
    const renamed = await runBerth(1, 'run', '--rm', '--device', '/dev/loop-control:/dev/lc:r', 'busybox', 'sh', '-c', 'exec 3</dev/lc && echo read-ok; exec 4>/dev/lc && echo write-ok');
    assert.equal(renamed.stdout, 'read-ok\n');
    assert.match(renamed.stderr, /Operation not permitted/);
    assert.match((await runBerth(125, 'run', '--rm', '--device', '/dev/no-such-device', 'busybox', 'true')).stderr, /no-such-device/);
  });

  test('--ulimit and --shm-size', { skip }, async () => {
    const r = await runBerth(0, 'run', '--rm', '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=300', '--shm-size', '16m', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -u; df -k /dev/shm | tail -1');
    const [soft, hard, nproc, shm] = r.stdout.trim().split('\n');
    assert.equal(soft, '1024');
    assert.equal(hard, '2048');
    assert.equal(nproc, '300');
    assert.match(shm!, /^shm\s+16384\s/);
    assert.match((await runBerth(0, 'run', '--rm', 'busybox', 'sh', '-c', 'df -k /dev/shm | tail -1')).stdout, /^shm\s+65536\s/, '64 MiB by default');
    assert.match((await runBerth(125, 'run', '--rm', '--ulimit', 'nofile=2048:1024', 'busybox', 'true')).stderr, /soft limit is greater than the hard limit/);
  });

  test('resource flags, as the container\'s own cgroup shows them (v1 or v2)', { skip }, async () => {
    // one script for both layouts: "key value" lines
    const script = [
      'cd /sys/fs/cgroup',
      'if [ -e memory/memory.limit_in_bytes ]; then',
      '  echo memory $(cat memory/memory.limit_in_bytes); echo reservation $(cat memory/memory.soft_limit_in_bytes)',
      '  echo quota $(cat cpu/cpu.cfs_quota_us) $(cat cpu/cpu.cfs_period_us); echo shares $(cat cpu/cpu.shares)',
      '  echo pids $(cat pids/pids.max); echo cpuset $(cat cpuset/cpuset.cpus)',
      '  echo oom $(grep oom_kill_disable memory/memory.oom_control | cut -d" " -f2)',
      'else',
      '  echo memory $(cat memory.max); echo reservation $(cat memory.low)',
      '  echo quota $(cat cpu.max); echo shares $(cat cpu.weight)',
      '  echo pids $(cat pids.max); echo cpuset $(cat cpuset.cpus)',
      '  echo oom v2',
      'fi',
    ].join('\n');
    const r = await runBerth(0, 'run', '--rm', '-m', '64m', '--memory-reservation', '32m', '--cpus', '0.5', '--cpu-shares', '512', '--pids-limit', '50', '--cpuset-cpus', '0', '--oom-kill-disable', 'busybox', 'sh', '-c', script);
    const v = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
    assert.equal(v['memory'], String(64 * 1024 * 1024));
    assert.equal(v['reservation'], String(32 * 1024 * 1024));
    assert.equal(v['quota'], '50000 100000');
    // v2 has weights: 512 shares by the quadratic conversion of current runc and crun
    assert.ok(v['shares'] === '512' || v['shares'] === '59', `cpu shares/weight ${v['shares']}`);
    assert.equal(v['pids'], '50');
    assert.equal(v['cpuset'], '0');
    if (v['oom'] !== 'v2') assert.equal(v['oom'], '1', '--oom-kill-disable');
    // and inspect says what was asked
    const id = (await runBerth(0, 'create', '-m', '64m', '--pids-limit', '50', '--cpus', '1.5', 'busybox')).stdout.trim();
    assert.equal((await runBerth(0, 'inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.NanoCpus}}', id)).stdout, '67108864 50 1500000000\n');
    await runBerth(0, 'rm', id);
    // the pids limit holds
    const fork = await runBerth({}, 'run', '--rm', '--pids-limit', '5', 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do sleep 5 & done 2>&1; wait');
    assert.match(fork.stdout + fork.stderr, /can't fork|Resource temporarily unavailable/);
    assert.match((await runBerth(125, 'run', '--rm', '-m', '100k', 'busybox', 'true')).stderr, /Minimum memory limit allowed is/);
  });
});

test('leaves nothing behind', { skip }, () => leakCheck());
