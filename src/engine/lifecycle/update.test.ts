import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostConfig } from '../container-types.ts';
import { mergeUpdate } from './update.ts';

const base = { Memory: 0, MemorySwap: 0, MemoryReservation: 0, NanoCpus: 0, CpuShares: 0, CpuPeriod: 0, CpuQuota: 0, CpusetCpus: '', CpusetMems: '', PidsLimit: null, BlkioWeight: 0, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } } as unknown as HostConfig;

test('fields given are changed, zero values leave them', () => {
  const h = mergeUpdate({ ...base, Memory: 10 << 20 }, { Memory: 64 << 20, CpuShares: 512, PidsLimit: -5 }, false);
  assert.equal(h.Memory, 64 << 20);
  assert.equal(h.CpuShares, 512);
  assert.equal(h.PidsLimit, -1);
  assert.equal(mergeUpdate(h, { Memory: 0, PidsLimit: 0 }, false).Memory, 64 << 20);
});

test('docker\'s conflicts', () => {
  assert.throws(() => mergeUpdate({ ...base, NanoCpus: 1e9 }, { CpuQuota: 1000 }, false), /CPU Quota cannot be updated as NanoCPUs has already been set/);
  assert.throws(() => mergeUpdate({ ...base, CpuPeriod: 1000 }, { NanoCpus: 1e9 }, false), /Nano CPUs cannot be updated as CPU Period has already been set/);
  assert.throws(() => mergeUpdate({ ...base, Memory: 1 << 20, MemorySwap: 2 << 20 }, { Memory: 4 << 20 }, false), /update the memoryswap at the same time/);
  assert.throws(() => mergeUpdate(base, { RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } }, true), /AutoRemove is enabled/);
  assert.throws(() => mergeUpdate(base, { BlkioWeight: 5 }, false), /Range of blkio weight is from 10 to 1000/);
  assert.throws(() => mergeUpdate(base, { MemorySwap: 1 << 20 }, false), /always set the Memory limit/);
});
