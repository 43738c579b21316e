import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInsecureRegistry } from './registry-settings.ts';

test('loopback registries are insecure by default, others when listed', () => {
  const s = { insecureRegistries: ['reg.lan:5000', '10.1.0.0/16', 'plain.example'] };
  for (const d of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.3.4.5', '[::1]:5000', 'reg.lan:5000', '10.1.2.3:443', 'plain.example:8080']) assert.equal(isInsecureRegistry(d, s), true, d);
  for (const d of ['docker.io', 'reg.lan:5001', '10.2.0.1', 'quay.io', '128.0.0.1']) assert.equal(isInsecureRegistry(d, s), false, d);
});
