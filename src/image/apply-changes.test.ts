import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './apply-changes.ts';

test('applies Dockerfile instructions like docker import --change', () => {
  const c = applyChanges({ Env: ['A=1'] }, [
    'CMD ["sh", "-c", "echo hi"]',
    'ENTRYPOINT /bin/init --flag',
    'ENV A=2 B="two words"',
    'ENV C three',
    'LABEL org.x=y',
    'EXPOSE 80 53/udp',
    'WORKDIR /srv',
    'USER 1000:1000',
    'VOLUME ["/data"]',
    'STOPSIGNAL SIGINT',
  ]);
  assert.deepEqual(c.Cmd, ['sh', '-c', 'echo hi']);
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', '/bin/init --flag']);
  assert.deepEqual(c.Env, ['A=2', 'B=two words', 'C=three']);
  assert.deepEqual(c.Labels, { 'org.x': 'y' });
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.equal(c.WorkingDir, '/srv');
  assert.equal(c.User, '1000:1000');
  assert.deepEqual(c.Volumes, { '/data': {} });
  assert.equal(c.StopSignal, 'SIGINT');
  assert.throws(() => applyChanges({}, ['RUN echo']), /"RUN" is not supported/);
  assert.throws(() => applyChanges({}, ['CMD']), /invalid --change/);
});
