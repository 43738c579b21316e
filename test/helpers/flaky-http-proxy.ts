// An HTTP proxy in front of a test registry that answers chosen requests with an error first
// (429 with Retry-After, 503), then forwards them: how retries and backoff are tested against
// the real registry.
import { createServer, request, type Server } from 'node:http';

export interface FlakyRule {
  match: RegExp;          // against "METHOD /path"
  status: number;
  times: number;          // how many matching requests fail
  headers?: Record<string, string>;
  body?: string;          // instead of the distribution error document
}

export interface FlakyProxy {
  host: string;
  log: { line: string; status: number; at: number }[];
  close(): Promise<void>;
}

// dropRange: forward requests without their Range header, as registries that do not support
// ranges answer (200 and the whole blob).
export async function startFlakyProxy(target: string, rules: FlakyRule[], o: { dropRange?: boolean } = {}): Promise<FlakyProxy> {
  const [thost, tport] = target.split(':');
  const log: FlakyProxy['log'] = [];
  const left = rules.map((r) => r.times);
  const server: Server = createServer((req, res) => {
    const line = `${req.method} ${req.url}`;
    const i = rules.findIndex((r, k) => r.match.test(line) && left[k]! > 0);
    if (i >= 0) {
      left[i]!--;
      log.push({ line, status: rules[i]!.status, at: Date.now() });
      req.resume();
      res.writeHead(rules[i]!.status, { 'content-type': 'application/json', ...rules[i]!.headers });
      res.end(rules[i]!.body ?? JSON.stringify({ errors: [{ code: rules[i]!.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'try again' }] }));
      return;
    }
    const headers = { ...req.headers };
    if (o.dropRange) delete headers['range'];
    const up = request({ host: thost, port: Number(tport), method: req.method, path: req.url, headers }, (ur) => {
      log.push({ line, status: ur.statusCode ?? 0, at: Date.now() });
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return {
    host: `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`,
    log,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
