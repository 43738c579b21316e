// One HTTP request through undici, following redirects itself: blobs are often served from
// another host (object storage), which must never receive the registry's Authorization header.
// Uploads (POST, PUT, PATCH) are not redirected: their bodies cannot be sent twice.
import { request, type Dispatcher } from 'undici';
import { RegistryError } from './registry-error.ts';

export type Body = string | Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream | null;
export type Response = Dispatcher.ResponseData<unknown>;

export async function sendFollowingRedirects(agent: Dispatcher, url: string, o: { method: string; headers: Record<string, string>; body?: Body; signal?: AbortSignal | undefined }): Promise<Response> {
  let current = url;
  let method = o.method;
  let body = o.body;
  const headers = { ...o.headers };
  for (let hops = 0; ; hops++) {
    const res = await request(current, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body: body as Dispatcher.DispatchOptions['body'],
      dispatcher: agent,
      signal: o.signal ?? null,
      highWaterMark: 1 << 20,
    } as Parameters<typeof request>[1]);
    const loc = res.headers['location'];
    if (![301, 302, 303, 307, 308].includes(res.statusCode) || typeof loc !== 'string' || method === 'POST' || method === 'PUT' || method === 'PATCH') return res;
    await res.body.dump();
    if (hops >= 10) throw new RegistryError(res.statusCode, undefined, `too many redirects from ${url}`);
    const next = new URL(loc, current);
    // blobs are often served from another host (object storage): never send it our token
    if (next.origin !== new URL(current).origin) delete headers['authorization'];
    if (res.statusCode === 303) {
      method = 'GET';
      body = null;
    }
    current = next.toString();
  }
}

