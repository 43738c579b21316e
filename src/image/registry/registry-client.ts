// A client of one repository on one registry, per the OCI distribution spec: manifests and
// blobs, resumable blob reads (Range), uploads (monolithic and chunked), cross-repository
// mounts, and the auth flows (anonymous, basic, bearer token from WWW-Authenticate).
// Requests go through http-transport.ts (node:http); commands reach this module through a dynamic
// import, so only pull, push and login load it.
import { sha256Digest, type Digest } from '../../oci/digest.ts';
import { DigestMismatchError } from '../content/digest-mismatch-error.ts';
import { MANIFEST_ACCEPT } from '../manifest/parse-manifest.ts';
import { registryHost } from '../reference.ts';
import { parseAuthChallenges, type AuthChallenge } from './auth-challenge.ts';
import { getCredentials, type Credentials } from './credentials.ts';
import { RegistryError, parseErrorBody } from './registry-error.ts';
import { isInsecureRegistry, isLoopback, type RegistrySettings } from './registry-settings.ts';
import { RETRYABLE_STATUS, backoffMs, isNetworkError, parseRetryAfter, sleep } from './retry.ts';
import { fetchBearerToken } from './fetch-bearer-token.ts';
import { HttpTransport, type Body, type Response } from './http-transport.ts';
import { describeNetworkError } from './describe-network-error.ts';

const MANIFEST_SIZE_MAX = 4 << 20;


interface RequestOptions {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;                         // absolute, or a path on the registry
  headers?: Record<string, string>;
  body?: () => Body;                   // a factory: a retry needs a fresh body
  ok: number[];
  what: string;                        // for messages: `fetching manifest busybox:latest`
  scopes?: string[];
  signal?: AbortSignal | undefined;
  retry?: boolean;                     // default true
}


export interface RegistryClientOptions {
  domain: string;
  path: string;
  settings: RegistrySettings;
  push?: boolean;                      // ask for pull,push scope
  credentials?: Credentials | null;    // null: anonymous even when config.json has some
  // a pull-through mirror of docker.io to use instead ("https://mirror.example", "http://h:5000")
  mirror?: string;
}

export class RegistryClient {
  readonly domain: string;
  readonly path: string;
  readonly #settings: RegistrySettings;
  readonly #insecure: boolean;
  readonly #http: HttpTransport;
  readonly #creds: Credentials | undefined;
  readonly #scope: string;
  // where requests go: the registry's host, or a mirror's, with the schemes to try
  readonly #host: string;
  readonly #schemes: string[];
  #base: string | undefined;
  #basePromise: Promise<string> | undefined;
  #challenge: AuthChallenge | undefined;
  readonly #tokens = new Map<string, { value: string; expiresAt: number }>();

  constructor(o: RegistryClientOptions) {
    this.domain = o.domain;
    this.path = o.path;
    this.#settings = o.settings;
    let netDomain = o.domain;
    let mirrorScheme: string | undefined;
    if (o.mirror) {
      const u = new URL(o.mirror);
      netDomain = u.host;
      mirrorScheme = u.protocol.replace(':', '');
    }
    this.#insecure = isInsecureRegistry(netDomain, o.settings);
    this.#host = o.mirror ? netDomain : registryHost(o.domain);
    // loopback registries speak plain HTTP unless they answer TLS (docker's default for them);
    // other insecure ones are tried with TLS first, without checking the certificate
    this.#schemes = mirrorScheme ? [mirrorScheme] : !this.#insecure ? ['https'] : isLoopback(netDomain) ? ['http', 'https'] : ['https', 'http'];
    // HTTP_PROXY, HTTPS_PROXY and NO_PROXY (either case) as docker honours them; like Go's
    // ProxyFromEnvironment, never for loopback registries
    const proxied = !isLoopback(netDomain) && ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].some((v) => process.env[v]);
    this.#http = new HttpTransport({ verifyTls: !this.#insecure, proxy: proxied });
    this.#creds = o.credentials === null ? undefined : (o.credentials ?? getCredentials(netDomain, o.settings.configDir));
    this.#scope = `repository:${o.path}:${o.push ? 'pull,push' : 'pull'}`;
  }

  async close(): Promise<void> {
    this.#http.close();
  }

  get hasCredentials(): boolean {
    return this.#creds !== undefined;
  }

  // --- the endpoint: https, or for insecure registries https without checks then http

  async baseUrl(signal?: AbortSignal): Promise<string> {
    if (this.#base) return this.#base;
    this.#basePromise ??= this.#ping(signal);
    return this.#basePromise;
  }

  async #ping(signal?: AbortSignal): Promise<string> {
    const host = this.#host;
    const schemes = this.#schemes;
    let lastError: unknown;
    for (const scheme of schemes) {
      const base = `${scheme}://${host}`;
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await this.#http.send(`${base}/v2/`, { method: 'GET', headers: { 'user-agent': this.#settings.userAgent }, signal });
          await res.body.dump();
          // plain HTTP to a TLS port: Go answers 400 "client sent an HTTP request to an HTTPS server"
          if (res.statusCode === 400 && scheme === 'http' && schemes.indexOf(scheme) < schemes.length - 1) {
            lastError = new Error(`${base} answered 400 to plain HTTP`);
            break;
          }
          if (res.statusCode === 401) this.#challenge = pickChallenge(res.headers['www-authenticate']);
          else if (res.statusCode === 404) throw new RegistryError(404, undefined, `${this.domain} does not speak the registry API v2 (GET /v2/ returned 404)`);
          else if (RETRYABLE_STATUS.has(res.statusCode) && attempt < this.#settings.retries) {
            await sleep(parseRetryAfter(res.headers['retry-after']) ?? backoffMs(attempt, this.#settings.retryBaseMs), signal);
            continue;
          } else if (res.statusCode >= 400) {
            throw new RegistryError(res.statusCode, undefined, `pinging ${this.domain}: unexpected status ${res.statusCode}`);
          }
          this.#base = base;
          return base;
        } catch (e) {
          if (e instanceof RegistryError || signal?.aborted) throw e;
          lastError = e;
          // a TLS failure against a plain-HTTP registry: try the next scheme
          if (!isNetworkError(e) || attempt >= this.#settings.retries || schemes.length > 1) break;
          await sleep(backoffMs(attempt, this.#settings.retryBaseMs), signal);
        }
      }
    }
    throw new RegistryError(0, undefined, `cannot reach registry ${this.#host === registryHost(this.domain) ? this.domain : this.#host}: ${describeNetworkError(lastError)}`, { cause: lastError });
  }

  // --- auth

  async #authorization(scopes: string[]): Promise<string | undefined> {
    const c = this.#challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') {
      return this.#creds && !this.#creds.identityToken ? `Basic ${Buffer.from(`${this.#creds.username}:${this.#creds.password}`).toString('base64')}` : undefined;
    }
    if (c.scheme !== 'bearer') return undefined;
    const key = scopes.join(' ');
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.value}`;
    const token = await fetchBearerToken({
      challenge: c,
      scopes,
      domain: this.domain,
      credentials: this.#creds,
      settings: this.#settings,
      send: (url, headers, body) => this.#http.send(url, body === undefined ? { method: 'GET', headers } : { method: 'POST', headers, body }),
    });
    this.#tokens.set(key, token);
    return `Bearer ${token.value}`;
  }

  // --- requests

  async request(o: RequestOptions): Promise<Response> {
    const base = await this.baseUrl(o.signal);
    const url = /^https?:\/\//.test(o.url) ? o.url : `${base}${o.url}`;
    const scopes = o.scopes ?? [this.#scope];
    let reauthed = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'user-agent': this.#settings.userAgent, ...o.headers };
      const auth = await this.#authorization(scopes);
      if (auth) headers['authorization'] = auth;
      let res: Response;
      try {
        res = await this.#http.send(url, { method: o.method, headers, body: o.body?.() ?? null, signal: o.signal });
      } catch (e) {
        if (o.signal?.aborted || e instanceof RegistryError) throw e;
        if (isNetworkError(e) && o.retry !== false && attempt < this.#settings.retries) {
          await sleep(backoffMs(attempt, this.#settings.retryBaseMs), o.signal);
          continue;
        }
        throw new RegistryError(0, undefined, `${o.what}: ${describeNetworkError(e)}`, { cause: e });
      }
      if (o.ok.includes(res.statusCode)) return res;
      if (res.statusCode === 401 && !reauthed) {
        const c = pickChallenge(res.headers['www-authenticate']);
        await res.body.dump();
        if (c) {
          reauthed = true;
          this.#challenge = c;
          this.#tokens.clear();
          if (c.scheme === 'basic' && !this.#creds) throw await this.#error(401, 'UNAUTHORIZED', '', o.what);
          attempt--;
          continue;
        }
        throw await this.#error(401, 'UNAUTHORIZED', '', o.what);
      }
      if (RETRYABLE_STATUS.has(res.statusCode) && o.retry !== false && attempt < this.#settings.retries) {
        const wait = parseRetryAfter(res.headers['retry-after']);
        if (wait === undefined || wait <= this.#settings.retryAfterMaxMs) {
          await res.body.dump();
          await sleep(wait ?? backoffMs(attempt, this.#settings.retryBaseMs), o.signal);
          continue;
        }
      }
      const text = o.method === 'HEAD' ? (await res.body.dump(), '') : await res.body.text().catch(() => '');
      const { code, message } = parseErrorBody(text);
      throw await this.#error(res.statusCode, code, message ?? '', o.what);
    }
  }

  async #error(status: number, code: string | undefined, detail: string, what: string): Promise<RegistryError> {
    let reason: string;
    if (status === 401) {
      reason = this.#creds ? `authentication required: the credentials for ${this.domain} were refused` : `authentication required: run berth login ${this.domain}`;
    } else if (status === 403) reason = `access denied${detail ? ` (${detail})` : ''}`;
    else if (status === 404) reason = code === 'NAME_UNKNOWN' ? `repository ${this.path} not found` : `not found${detail ? ` (${detail})` : ''}`;
    else if (status === 429) reason = 'too many requests: the registry is rate-limiting';
    else reason = `${this.domain} answered ${status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`;
    return new RegistryError(status, code, `${what}: ${reason}`);
  }

  // --- manifests

  // Fetches a manifest or index by tag or digest. A digest reference is verified.
  async getManifest(reference: string, what: string, signal?: AbortSignal): Promise<{ bytes: Buffer; mediaType: string | undefined; digest: Digest }> {
    const res = await this.request({
      method: 'GET',
      url: `/v2/${this.path}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT.join(', ') },
      ok: [200],
      what: `fetching the manifest of ${what}`,
      signal,
    });
    const declared = Number(res.headers['content-length'] ?? 0);
    if (declared > MANIFEST_SIZE_MAX) {
      await res.body.dump();
      throw new RegistryError(200, undefined, `the manifest of ${what} is ${declared} bytes: more than the ${MANIFEST_SIZE_MAX} berth accepts`);
    }
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const digest = sha256Digest(bytes);
    if (reference.includes(':') && reference !== digest) throw new DigestMismatchError(reference, digest, 'manifest');
    const ct = res.headers['content-type'];
    return { bytes, mediaType: typeof ct === 'string' ? ct.split(';')[0]!.trim() : undefined, digest };
  }

  async putManifest(reference: string, bytes: Uint8Array, mediaType: string, what: string, signal?: AbortSignal): Promise<void> {
    const res = await this.request({
      method: 'PUT',
      url: `/v2/${this.path}/manifests/${reference}`,
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
      body: () => bytes,
      ok: [200, 201, 202],
      what: `pushing the manifest of ${what}`,
      signal,
    });
    await res.body.dump();
  }

  // Every tag of the repository, following the Link header's pages.
  async listTags(signal?: AbortSignal): Promise<string[]> {
    const tags: string[] = [];
    let url = `/v2/${this.path}/tags/list?n=1000`;
    for (let page = 0; page < 1000; page++) {
      const res = await this.request({ method: 'GET', url, ok: [200], what: `listing the tags of ${this.domain}/${this.path}`, signal });
      const j = (await res.body.json()) as { tags?: string[] | null };
      tags.push(...(j.tags ?? []));
      const link = res.headers['link'];
      const next = typeof link === 'string' ? /<([^>]+)>;\s*rel="?next"?/.exec(link)?.[1] : undefined;
      if (!next) break;
      url = new URL(next, await this.baseUrl()).toString();
    }
    return tags;
  }

  // --- blobs

  // The blob's size when the repository has it.
  async statBlob(digest: Digest, signal?: AbortSignal): Promise<number | undefined> {
    const res = await this.request({ method: 'HEAD', url: `/v2/${this.path}/blobs/${digest}`, ok: [200, 404], what: `checking blob ${digest}`, signal });
    await res.body.dump();
    return res.statusCode === 200 ? Number(res.headers['content-length'] ?? 0) : undefined;
  }

  // Opens a blob for reading from `offset` (a resumed download). `resumed` is false when the
  // registry ignored the Range request and sends the whole blob.
  async openBlob(digest: Digest, offset: number, signal?: AbortSignal): Promise<{ body: AsyncIterable<Uint8Array>; resumed: boolean; length: number | undefined }> {
    const res = await this.request({
      method: 'GET',
      url: `/v2/${this.path}/blobs/${digest}`,
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      ok: offset > 0 ? [200, 206] : [200],
      what: `fetching blob ${digest}`,
      signal,
    });
    const len = res.headers['content-length'];
    return { body: res.body, resumed: res.statusCode === 206, length: len === undefined ? undefined : Number(len) };
  }

  async readBlob(digest: Digest, what: string, signal?: AbortSignal): Promise<Buffer> {
    const res = await this.request({ method: 'GET', url: `/v2/${this.path}/blobs/${digest}`, ok: [200], what: `fetching ${what}`, signal });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    const got = sha256Digest(bytes);
    if (got !== digest) throw new DigestMismatchError(digest, got, what);
    return bytes;
  }

  // Tries a cross-repository mount. Returns true when mounted; otherwise an upload location
  // (the registry started an ordinary upload instead).
  async mountBlob(digest: Digest, from: string, signal?: AbortSignal): Promise<true | string> {
    const res = await this.request({
      method: 'POST',
      url: `/v2/${this.path}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      headers: { 'content-length': '0' },
      ok: [201, 202],
      what: `mounting blob ${digest} from ${from}`,
      scopes: [this.#scope, `repository:${from}:pull`],
      signal,
    });
    await res.body.dump();
    if (res.statusCode === 201) return true;
    return this.#location(res, 'mount');
  }

  async startUpload(signal?: AbortSignal): Promise<string> {
    const res = await this.request({ method: 'POST', url: `/v2/${this.path}/blobs/uploads/`, headers: { 'content-length': '0' }, ok: [202], what: `starting an upload to ${this.path}`, signal });
    await res.body.dump();
    return this.#location(res, 'upload');
  }

  async #location(res: Response, what: string): Promise<string> {
    const loc = res.headers['location'];
    if (typeof loc !== 'string') throw new RegistryError(res.statusCode, undefined, `${this.domain} started an ${what} without a Location header`);
    return new URL(loc, await this.baseUrl()).toString();
  }

  // Monolithic upload: the whole blob in one PUT.
  async putBlob(location: string, digest: Digest, size: number, open: () => Body, signal?: AbortSignal): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const res = await this.request({
      method: 'PUT',
      url: url.toString(),
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: open,
      ok: [201, 204],
      what: `uploading blob ${digest}`,
      retry: false,
      signal,
    });
    await res.body.dump();
  }

  // Chunked upload: PATCH each chunk with its Content-Range, then PUT ?digest= to close it.
  async putBlobChunked(location: string, digest: Digest, size: number, chunkSize: number, open: (start: number, end: number) => Body, onChunk?: (done: number) => void, signal?: AbortSignal): Promise<void> {
    let loc = location;
    for (let start = 0; start < size; start += chunkSize) {
      const end = Math.min(size, start + chunkSize);
      const res = await this.request({
        method: 'PATCH',
        url: loc,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(end - start), 'content-range': `${start}-${end - 1}` },
        body: () => open(start, end),
        ok: [202, 204],
        what: `uploading blob ${digest} (bytes ${start}-${end - 1})`,
        retry: false,
        signal,
      });
      await res.body.dump();
      loc = await this.#location(res, 'upload');
      onChunk?.(end);
    }
    const url = new URL(loc);
    url.searchParams.set('digest', digest);
    const res = await this.request({ method: 'PUT', url: url.toString(), headers: { 'content-length': '0' }, ok: [201, 204], what: `completing the upload of blob ${digest}`, signal });
    await res.body.dump();
  }

  // Checks that the credentials work: `berth login`.
  async checkLogin(): Promise<void> {
    await this.baseUrl();
    const res = await this.request({ method: 'GET', url: '/v2/', ok: [200], what: `logging in to ${this.domain}`, scopes: [] });
    await res.body.dump();
  }
}

function pickChallenge(header: string | string[] | undefined): AuthChallenge | undefined {
  const all = parseAuthChallenges(header);
  return all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
}
