// Registry credentials in docker's config.json ($DOCKER_CONFIG/config.json, else
// ~/.docker/config.json), so `docker login` and `berth login` share them:
//   {"auths": {"host:port": {"auth": base64("user:password")}}, "credsStore": "pass",
//    "credHelpers": {"host": "gcloud"}}
// A credential helper is the program docker-credential-<name>, spoken to with its get / store /
// erase protocol (JSON on stdin and stdout).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../lib/fs/atomic-write.ts';
import { BerthError, InvalidConfigError } from '../../lib/errors.ts';

export interface Credentials {
  username: string;
  password: string;
  // an OAuth2 refresh token (docker's "identitytoken", from a credential helper's "<token>"
  // user): exchanged at the token server instead of sending the password
  identityToken?: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
}

export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export function dockerConfigPath(configDir?: string): string {
  const dir = configDir ?? process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
  return join(dir, 'config.json');
}

// The key docker uses in `auths` for a registry domain.
export function authKey(domain: string): string {
  return domain === 'docker.io' || domain === 'index.docker.io' || domain === 'registry-1.docker.io' ? DOCKER_HUB_AUTH_KEY : domain;
}

// "https://host:5000/v1/" and "host:5000" name the same registry.
function normaliseKey(k: string): string {
  if (k === DOCKER_HUB_AUTH_KEY) return k;
  return k.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

function readConfig(path: string): DockerConfig {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DockerConfig;
  } catch (e) {
    throw new InvalidConfigError('', `${path} is not valid JSON`, { cause: e });
  }
}

function helperFor(cfg: DockerConfig, key: string): string | undefined {
  const bare = normaliseKey(key);
  return cfg.credHelpers?.[bare] ?? cfg.credHelpers?.[key] ?? cfg.credsStore;
}

function runHelper(helper: string, action: 'get' | 'store' | 'erase', input: string): string {
  try {
    return execFileSync(`docker-credential-${helper}`, [action], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const stdout = String((e as { stdout?: unknown }).stdout ?? '').trim();
    if (action === 'get' && /credentials not found/i.test(stdout)) return '';
    throw new BerthError('E_CREDENTIAL_HELPER', `credential helper docker-credential-${helper} ${action} failed: ${stdout || (e as Error).message}`, { cause: e });
  }
}

export function getCredentials(domain: string, configDir?: string): Credentials | undefined {
  const path = dockerConfigPath(configDir);
  const cfg = readConfig(path);
  const key = authKey(domain);
  const entry = Object.entries(cfg.auths ?? {}).find(([k]) => normaliseKey(k) === normaliseKey(key))?.[1];
  const helper = helperFor(cfg, key);
  if (helper && !(entry && (entry.auth || entry.username))) {
    const out = runHelper(helper, 'get', key);
    if (!out) return undefined;
    const j = JSON.parse(out) as { Username?: string; Secret?: string };
    if (j.Username === '<token>' && j.Secret) return { username: '', password: '', identityToken: j.Secret };
    return j.Username !== undefined && j.Secret !== undefined ? { username: j.Username, password: j.Secret } : undefined;
  }
  if (!entry) return undefined;
  if (entry.identitytoken) {
    const user = entry.auth ? Buffer.from(entry.auth, 'base64').toString('utf8').split(':')[0] ?? '' : (entry.username ?? '');
    return { username: user, password: '', identityToken: entry.identitytoken };
  }
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidConfigError(`auths["${key}"].auth`, `in ${path} is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password };
  return undefined;
}

// Saves credentials after a successful login; other fields of the file are kept as they are.
export function storeCredentials(domain: string, creds: Credentials, configDir?: string): string {
  const path = dockerConfigPath(configDir);
  const cfg = readConfig(path);
  const key = authKey(domain);
  const helper = helperFor(cfg, key);
  if (helper) {
    runHelper(helper, 'store', JSON.stringify({ ServerURL: key, Username: creds.username, Secret: creds.password }));
    cfg.auths = { ...cfg.auths, [key]: {} };
  } else {
    cfg.auths = { ...cfg.auths, [key]: { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') } };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(cfg, null, '\t')}\n`, 0o600);
  return path;
}

// Returns false when there were no credentials for the registry.
export function removeCredentials(domain: string, configDir?: string): boolean {
  const path = dockerConfigPath(configDir);
  const cfg = readConfig(path);
  const key = authKey(domain);
  let found = false;
  for (const k of Object.keys(cfg.auths ?? {})) {
    if (normaliseKey(k) === normaliseKey(key)) {
      delete cfg.auths![k];
      found = true;
    }
  }
  const helper = helperFor(cfg, key);
  if (helper) {
    try {
      runHelper(helper, 'erase', key);
      found = true;
    } catch {
      // nothing stored there
    }
  }
  if (found) writeFileAtomic(path, `${JSON.stringify(cfg, null, '\t')}\n`, 0o600);
  return found;
}
