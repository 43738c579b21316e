// HTTP for the registry client on node:http and node:https (native llhttp; ~3 ms to load in the
// CommonJS bundle, where undici cost ~45 ms of every pull, push and login): keep-alive agents
// per client, HTTP_PROXY / HTTPS_PROXY / NO_PROXY through the agents' proxyEnv (Node 24), and
// redirects followed here, because blobs are often served from another host (object storage),
// which must never receive the registry's Authorization header. Uploads (POST, PUT, PATCH) are
// not redirected: their bodies cannot be sent twice.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RegistryError } from './registry-error.ts';

export type Body = string | Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream | null;

export interface ResponseBody extends AsyncIterable<Buffer> {
  dump(): Promise<void>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface Response {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: ResponseBody;
}

export interface SendOptions {
  method: string;
  headers: Record<string, string>;
  body?: Body;
  signal?: AbortSignal | undefined;
}

// An idle connection (no bytes either way) is given up after this long.
const IDLE_TIMEOUT_MS = 120_000;

function wrapBody(res: IncomingMessage): ResponseBody {
  const collect = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    [Symbol.asyncIterator]: () => res[Symbol.asyncIterator](),
    // reads and drops the rest: a keep-alive socket goes back to its agent only once the
    // response has been read to its end (a HEAD response too)
    dump: async () => {
      if (res.readableEnded || res.destroyed) return;
      res.resume();
      await new Promise<void>((resolve) => {
        res.once('end', resolve);
        res.once('close', resolve);
        res.once('error', () => resolve());
      });
    },
    text: async () => (await collect()).toString('utf8'),
    json: async () => JSON.parse((await collect()).toString('utf8')) as unknown,
    arrayBuffer: async () => {
      const b = await collect();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}

export class HttpTransport {
  readonly #http: http.Agent;
  readonly #https: https.Agent;

  // verifyTls false: HTTPS without certificate checks (insecure registries); proxy: honour the
  // proxy variables (never for loopback registries, as Go's ProxyFromEnvironment)
  constructor(o: { verifyTls: boolean; proxy: boolean }) {
    const proxyEnv = o.proxy ? { proxyEnv: process.env } : {};
    this.#http = new http.Agent({ keepAlive: true, maxSockets: 16, ...proxyEnv });
    this.#https = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: o.verifyTls, ...proxyEnv });
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }

  #once(url: URL, o: SendOptions): Promise<Response> {
    return new Promise((resolve, reject) => {
      const mod = url.protocol === 'https:' ? https : http;
      const req = mod.request(url, {
        method: o.method,
        headers: o.headers,
        agent: url.protocol === 'https:' ? this.#https : this.#http,
        ...(o.signal ? { signal: o.signal } : {}),
        timeout: IDLE_TIMEOUT_MS,
      });
      req.once('timeout', () => req.destroy(Object.assign(new Error(`no data from ${url.host} for ${IDLE_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
      req.once('error', reject);
      req.once('response', (res) => {
        res.once('aborted', () => res.destroy(Object.assign(new Error(`the connection to ${url.host} closed during the response`), { code: 'ECONNRESET' })));
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: wrapBody(res) });
      });
      const body = o.body;
      if (body === undefined || body === null) req.end();
      else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
      else {
        const src = Symbol.asyncIterator in body ? Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false }) : (body as NodeJS.ReadableStream);
        pipeline(src as NodeJS.ReadableStream, req).catch((e: unknown) => req.destroy(e as Error));
      }
    });
  }

  async send(url: string, o: SendOptions): Promise<Response> {
    let current = new URL(url);
    let method = o.method;
    let body = o.body;
    const headers = { ...o.headers };
    for (let hops = 0; ; hops++) {
      const res = await this.#once(current, { method, headers, body: body ?? null, signal: o.signal });
      const loc = res.headers['location'];
      if (![301, 302, 303, 307, 308].includes(res.statusCode) || typeof loc !== 'string' || method === 'POST' || method === 'PUT' || method === 'PATCH') return res;
      await res.body.dump();
      if (hops >= 10) throw new RegistryError(res.statusCode, undefined, `too many redirects from ${url}`);
      const next = new URL(loc, current);
      if (next.origin !== current.origin) delete headers['authorization'];
      if (res.statusCode === 303) {
        method = 'GET';
        body = null;
      }
      current = next;
    }
  }
}
