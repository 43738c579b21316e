import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePsOutput } from './container-top.ts';

test('ps output narrowed to the container\'s pids, the command column keeping its spaces', () => {
  const out = ['UID          PID    PPID  C STIME TTY          TIME CMD', 'root           1       0  0 10:00 ?        00:00:01 /sbin/init', 'root         200     100  0 10:01 ?        00:00:00 sleep 1000 --x', 'root         201     200  0 10:01 ?        00:00:00 sh -c a  b', ''].join('\n');
  const r = parsePsOutput(out, new Set([200, 201]));
  assert.deepEqual(r.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.deepEqual(r.Processes, [
    ['root', '200', '100', '0', '10:01', '?', '00:00:00', 'sleep 1000 --x'],
    ['root', '201', '200', '0', '10:01', '?', '00:00:00', 'sh -c a b'],
  ]);
});

test('thread lines ("-" as pid) follow their process; no PID column is docker\'s error', () => {
  const out = ['PID TID CMD', '200 - sleep', '- 201 sleep', '300 - other', '- 301 other', ''].join('\n');
  assert.deepEqual(parsePsOutput(out, new Set([200])).Processes, [['200', '-', 'sleep'], ['-', '201', 'sleep']]);
  assert.throws(() => parsePsOutput('USER CMD\n', new Set()), /Couldn't find PID field in ps output/);
});
