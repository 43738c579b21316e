import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invokedCommand } from './main.ts';

const named = (argv: string[]): string | undefined => {
  const c = invokedCommand(argv);
  return c && `${c.group ? `${c.group} ` : ''}${c.name}`;
};

test('the invoked command is found past the global options', () => {
  assert.equal(named(['run', '--rm', 'busybox', 'true']), 'run');
  assert.equal(named(['container', 'run', 'busybox']), 'container run');
  assert.equal(named(['--root', '/x', '--runroot=/y', '-D', '-l', 'debug', 'ps', '-a']), 'ps');
  assert.equal(named(['--log-level=info', '--config', '/c', 'images']), 'images');
  assert.equal(named(['inspect', 'x']), 'inspect');
});

test('aliases are found where define() registers them', () => {
  assert.equal(named(['container', 'list']), 'container ls');
  assert.equal(named(['image', 'remove', 'x']), 'image rm');
  // a grouped command's aliases are not top-level spellings
  assert.equal(named(['list']), undefined);
});

test('help, unknown commands and unsure argv define every command', () => {
  for (const argv of [[], ['--help'], ['-v'], ['help', 'run'], ['nosuch'], ['container'], ['container', 'nosuch'], ['-Dl', 'info', 'ps'], ['constructor'], ['toString', 'x']]) {
    assert.equal(invokedCommand(argv), undefined, argv.join(' '));
  }
});
