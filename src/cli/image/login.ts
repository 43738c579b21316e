// docker login / logout: check the credentials against the registry (basic or token flow),
// then keep them in docker's config.json (or its credential helper).
import { readSync } from 'node:fs';
import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../../lib/errors.ts';
import { removeCredentials, storeCredentials } from '../../image/registry/credentials.ts';
import { DEFAULT_DOMAIN } from '../../image/reference.ts';
import { err, out } from '../render/output.ts';
import { registrySettingsFor } from '../registry-settings-for.ts';

// "https://host:5000/v2/" and "host:5000" name the same server; docker.io's aliases are one.
export function serverDomain(server: string | undefined): string {
  if (!server) return DEFAULT_DOMAIN;
  const bare = server.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  return ['index.docker.io', 'registry-1.docker.io', 'docker.io'].includes(bare) ? DEFAULT_DOMAIN : bare;
}

function readLine(echo: boolean): string {
  const tty = process.stdin.isTTY === true;
  if (tty && !echo) process.stdin.setRawMode(true);
  const buf = Buffer.alloc(1);
  let line = '';
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(0, buf, 0, 1, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
      if (n === 0) break;
      const ch = buf.toString('utf8');
      if (ch === '\n' || ch === '\r') break;
      if (ch === '\u0003') throw new UsageError('login cancelled');
      if (ch === '\u007f') line = line.slice(0, -1);
      else line += ch;
    }
  } finally {
    if (tty && !echo) {
      process.stdin.setRawMode(false);
      err('\n');
    }
  }
  return line;
}

export async function loginCommand(ctx: CliContext, server: string | undefined, o: { username?: string; password?: string; passwordStdin?: boolean }): Promise<void> {
  const domain = serverDomain(server);
  let username = o.username;
  let password = o.password;
  if (password !== undefined && o.passwordStdin) throw new UsageError('--password and --password-stdin are mutually exclusive');
  if (password !== undefined) err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  if (o.passwordStdin) {
    if (!username) throw new UsageError('must provide --username with --password-stdin');
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(4096);
    for (;;) {
      const n = readSync(0, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (username === undefined || password === undefined) {
    if (process.stdin.isTTY !== true) throw new UsageError('cannot perform an interactive login from a non TTY device');
    if (username === undefined) {
      err('Username: ');
      username = readLine(true).trim();
    }
    if (password === undefined) {
      err('Password: ');
      password = readLine(false);
    }
  }
  if (!username) throw new UsageError('username is required');
  if (!password) throw new UsageError('password is required');
  const { RegistryClient } = await import('../../image/registry/registry-client.ts');
  const client = new RegistryClient({ domain, path: '', settings: registrySettingsFor(ctx), credentials: { username, password } });
  try {
    await client.checkLogin();
  } finally {
    await client.close();
  }
  storeCredentials(domain, { username, password }, ctx.configDir);
  out('Login Succeeded\n');
}

export function logoutCommand(ctx: CliContext, server: string | undefined): void {
  const domain = serverDomain(server);
  const shown = domain === DEFAULT_DOMAIN ? 'https://index.docker.io/v1/' : domain;
  if (removeCredentials(domain, ctx.configDir)) out(`Removing login credentials for ${shown}\n`);
  else out(`Not logged in to ${shown}\n`);
}
