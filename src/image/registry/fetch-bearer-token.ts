// The token flow of the distribution spec (docker's token auth): GET <realm>?service=..&scope=..
// with basic credentials when there are some, answered by {token | access_token, expires_in}.
import type { AuthChallenge } from './auth-challenge.ts';
import type { Credentials } from './credentials.ts';
import { describeNetworkError } from './describe-network-error.ts';
import { RegistryError } from './registry-error.ts';
import type { RegistrySettings } from './registry-settings.ts';
import { RETRYABLE_STATUS, backoffMs, isNetworkError, parseRetryAfter, sleep } from './retry.ts';
import type { Response } from './http-transport.ts';

export interface TokenRequest {
  challenge: AuthChallenge;
  scopes: string[];
  domain: string;
  credentials: Credentials | undefined;
  settings: RegistrySettings;
  send(url: string, headers: Record<string, string>, body?: string): Promise<Response>;
}

export interface BearerToken {
  value: string;
  expiresAt: number;
}

export async function fetchBearerToken(o: TokenRequest): Promise<BearerToken> {
const { challenge: c, scopes } = o;
  const realm = c.params['realm'];
  if (!realm) throw new RegistryError(401, undefined, `${o.domain} asked for a bearer token without naming a realm`);
  const url = new URL(realm);
  if (c.params['service']) url.searchParams.set('service', c.params['service']);
  for (const s of scopes) url.searchParams.append('scope', s);
  const headers: Record<string, string> = { 'user-agent': o.settings.userAgent };
  if (o.credentials?.identityToken) return fetchWithRefreshToken(o, url, o.credentials.identityToken);
  if (o.credentials) {
    url.searchParams.set('account', o.credentials.username);
    headers['authorization'] = `Basic ${Buffer.from(`${o.credentials.username}:${o.credentials.password}`).toString('base64')}`;
  }
  let res: Response;
  for (let attempt = 0; ; attempt++) {
    try {
      res = await o.send(url.toString(), headers);
    } catch (e) {
      if (isNetworkError(e) && attempt < o.settings.retries) {
        await sleep(backoffMs(attempt, o.settings.retryBaseMs));
        continue;
      }
      throw new RegistryError(0, undefined, `getting a token from ${url.origin}: ${describeNetworkError(e)}`, { cause: e });
    }
    if (RETRYABLE_STATUS.has(res.statusCode) && attempt < o.settings.retries) {
      await res.body.dump();
      await sleep(parseRetryAfter(res.headers['retry-after']) ?? backoffMs(attempt, o.settings.retryBaseMs));
      continue;
    }
    break;
  }
  const text = await res.body.text();
  if (res.statusCode === 401 || res.statusCode === 403) {
    throw new RegistryError(401, 'UNAUTHORIZED', `authentication to ${o.domain} failed: ${o.credentials ? 'the token server refused the credentials' : 'the token server refused anonymous access'}${tokenError(text)}`);
  }
  if (res.statusCode !== 200) throw new RegistryError(res.statusCode, undefined, `getting a token from ${url.origin}: status ${res.statusCode}${tokenError(text)}`);
  let j: { token?: string; access_token?: string; expires_in?: number };
  try {
    j = JSON.parse(text) as typeof j;
  } catch (e) {
    throw new RegistryError(200, undefined, `the token server of ${o.domain} sent a response that is not JSON`, { cause: e });
  }
  const value = j.token ?? j.access_token;
  if (!value) throw new RegistryError(200, undefined, `the token server of ${o.domain} sent no token`);
  // tokens are reused until shortly before they expire; 60 s is the spec's minimum lifetime
  const lifetime = Math.max(60, j.expires_in ?? 60);
  return { value, expiresAt: Date.now() + (lifetime - 10) * 1000 };
}


// The token server's own explanation, when its error body has one.
function tokenError(text: string): string {
  try {
    const j = JSON.parse(text) as { details?: string; error?: string; errors?: { message?: string }[] };
    const m = j.details ?? j.error ?? j.errors?.[0]?.message;
    return m ? ` (${m})` : '';
  } catch {
    return '';
  }
}

// OAuth2 (docker's token spec, oauth.md): POST the refresh token as a form to the realm.
async function fetchWithRefreshToken(o: TokenRequest, url: URL, refreshToken: string): Promise<BearerToken> {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'berth', service: url.searchParams.get('service') ?? '' });
  const scopes = url.searchParams.getAll('scope');
  if (scopes.length > 0) form.set('scope', scopes.join(' '));
  let res: Response;
  try {
    res = await o.send(`${url.origin}${url.pathname}`, { 'user-agent': o.settings.userAgent, 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
  } catch (e) {
    throw new RegistryError(0, undefined, `getting a token from ${url.origin}: ${describeNetworkError(e)}`, { cause: e });
  }
  const text = await res.body.text();
  if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 400) {
    throw new RegistryError(401, 'UNAUTHORIZED', `authentication to ${o.domain} failed: the token server refused the identity token${tokenError(text)}`);
  }
  if (res.statusCode !== 200) throw new RegistryError(res.statusCode, undefined, `getting a token from ${url.origin}: status ${res.statusCode}${tokenError(text)}`);
  const j = JSON.parse(text) as { access_token?: string; token?: string; expires_in?: number };
  const value = j.access_token ?? j.token;
  if (!value) throw new RegistryError(200, undefined, `the token server of ${o.domain} sent no token`);
  const lifetime = Math.max(60, j.expires_in ?? 60);
  return { value, expiresAt: Date.now() + (lifetime - 10) * 1000 };
}
