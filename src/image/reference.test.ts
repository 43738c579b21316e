import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarString, formatReference, parseReference } from './reference.ts';
import { InvalidReferenceError } from './reference-error.ts';

const D = `sha256:${'a'.repeat(64)}`;

test('normalises like docker', () => {
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['user/app', 'docker.io/user/app:latest'],
    ['index.docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['127.0.0.1:5000/a/b/c', '127.0.0.1:5000/a/b/c:latest'],
    ['[::1]:5000/app', '[::1]:5000/app:latest'],
    ['quay.io/org/app', 'quay.io/org/app:latest'],
    ['a__b/c-d.e_f', 'docker.io/a__b/c-d.e_f:latest'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`],
  ];
  for (const [input, want] of cases) assert.equal(formatReference(parseReference(input, { defaultTag: true })), want, input);
});

test('no default tag unless asked', () => {
  assert.deepEqual(parseReference('busybox'), { domain: 'docker.io', path: 'library/busybox' });
});

test('familiar form', () => {
  assert.equal(familiarString(parseReference('docker.io/library/busybox:1')), 'busybox:1');
  assert.equal(familiarString(parseReference('docker.io/user/app')), 'user/app');
  assert.equal(familiarString(parseReference('docker.io/library/a/b')), 'library/a/b');
  assert.equal(familiarString(parseReference('localhost:5000/app:x')), 'localhost:5000/app:x');
});

test('refuses malformed references with the reason', () => {
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['Busybox', /must be lowercase/],
    ['busybox:', /invalid tag ""/],
    ['busybox:-x', /invalid tag "-x"/],
    ['busybox@sha256:abc', /invalid digest/],
    [`busybox@md5:${'a'.repeat(32)}`, /unsupported digest/],
    ['a/b:c:d', /invalid/],
    ['bad_host.-x:5000/app', /invalid registry host/],
    ['a//b', /invalid repository name/],
    ['-a', /invalid repository name/],
    ['a'.repeat(64).replace(/a/g, 'f'), /64-character/],
    [`x/${'a'.repeat(260)}`, /longer than 255/],
    ['busybox:' + 'a'.repeat(129), /invalid tag/],
  ];
  for (const [input, re] of bad) {
    assert.throws(() => parseReference(input), (e: unknown) => e instanceof InvalidReferenceError && re.test(e.message), input);
  }
});
