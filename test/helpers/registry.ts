// A real registry for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 and a free
// port, with its own config and storage in a temp dir, and optionally
//   - basic auth from an htpasswd file (bcrypt, made with apache2-utils' htpasswd), or
//   - bearer tokens from a token server written here in Node: RS256 JWTs whose x5c names a
//     self-signed certificate (openssl) that the registry trusts as its rootcertbundle.
// stop() kills the registry, closes the token server and removes the temp dir.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { createPrivateKey, createSign, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface RegistryOptions {
  auth?: 'none' | 'basic' | 'token';
  users?: Record<string, string>;       // basic and token: user -> password
  // token: who may do what; default: every user (and anonymous) everything
  grant?: (user: string | undefined, scope: { name: string; actions: string[] }) => string[];
  // token: OAuth2 refresh tokens accepted by POST (docker's identity tokens): token -> user
  refreshTokens?: Record<string, string>;
}

export interface TestRegistry {
  host: string;                          // 127.0.0.1:port
  url: string;
  dir: string;
  tokenRequests: { user: string | undefined; scopes: string[]; oauth?: boolean }[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startRegistry(o: RegistryOptions = {}): Promise<TestRegistry> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startRegistryOnce(o);
    } catch (e) {
      // another process took the free port first: try another
      if (attempt >= 2 || !/did not start/.test(String(e))) throw e;
    }
  }
}

async function startRegistryOnce(o: RegistryOptions): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const users = o.users ?? { tester: 'secret' };
  const tokenRequests: TestRegistry['tokenRequests'] = [];
  let tokenServer: Server | undefined;
  let authBlock = '';
  if (o.auth === 'basic') {
    const lines = Object.entries(users).map(([u, p]) => execFileSync('htpasswd', ['-Bbn', u, p], { encoding: 'utf8' }).trim());
    writeFileSync(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    authBlock = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (o.auth === 'token') {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=berth-test-token'], { stdio: 'ignore' });
    const key = createPrivateKey(readFileSync(join(dir, 'key.pem')));
    const certDer = new X509Certificate(readFileSync(join(dir, 'cert.pem'))).raw.toString('base64');
    const tport = await freePort();
    const issue = (res: import('node:http').ServerResponse, user: string | undefined, scopes: string[], oauth: boolean): void => {
      tokenRequests.push({ user, scopes, ...(oauth ? { oauth } : {}) });
      const access = scopes.flatMap((s) => {
        const [type, name, actions] = s.split(':');
        if (type !== 'repository' || !name || !actions) return [];
        const wanted = actions.split(',');
        const granted = o.grant ? o.grant(user, { name, actions: wanted }) : user ? wanted : wanted.filter((a) => a === 'pull');
        return [{ type, name, actions: granted }];
      });
      const now = Math.floor(Date.now() / 1000);
      const b64 = (x: object): string => Buffer.from(JSON.stringify(x)).toString('base64url');
      const head = b64({ typ: 'JWT', alg: 'RS256', x5c: [certDer] });
      const claims = b64({ iss: 'berth-test-issuer', sub: user ?? '', aud: 'berth-test-service', exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access });
      const sig = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(key).toString('base64url');
      const token = `${head}.${claims}.${sig}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(oauth ? { access_token: token, expires_in: 300, scope: scopes.join(' ') } : { token, expires_in: 300, issued_at: new Date().toISOString() }));
    };
    tokenServer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${tport}`);
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          const form = new URLSearchParams(body);
          const user = o.refreshTokens?.[form.get('refresh_token') ?? ''];
          if (form.get('grant_type') !== 'refresh_token' || !user) {
            res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_grant' }));
            return;
          }
          issue(res, user, (form.get('scope') ?? '').split(' ').filter(Boolean), true);
        });
        return;
      }
      let user: string | undefined;
      const h = req.headers['authorization'];
      if (h?.startsWith('Basic ')) {
        const [u, p] = Buffer.from(h.slice(6), 'base64').toString().split(/:(.*)/s);
        if (!u || users[u] !== p) {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'wrong username or password' }));
          return;
        }
        user = u;
      }
      issue(res, user, url.searchParams.getAll('scope'), false);
    });
    await new Promise<void>((r) => tokenServer!.listen(tport, '127.0.0.1', r));
    authBlock = `auth:\n  token:\n    realm: http://127.0.0.1:${tport}/token\n    service: berth-test-service\n    issuer: berth-test-issuer\n    rootcertbundle: ${join(dir, 'cert.pem')}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n${authBlock}`,
  );
  const proc: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    }
    if (tokenServer) await new Promise<void>((r) => tokenServer!.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      // bounded: a port taken by something that never answers must not hang the suite
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (proc.exitCode !== null) throw new Error('exited');
      break;
    } catch {
      if (proc.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`docker-registry did not start on ${host}: ${stderr.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { host, url: `http://${host}`, dir, tokenRequests, stop };
}
