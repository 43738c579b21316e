// A TCP proxy in front of a test registry that can slow responses down (so that a pull can be
// interrupted midway) and cut a connection after some bytes (network loss). It records the
// request heads it forwards, so a test can see the Range requests of a resumed download.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface ProxyOptions {
  target: { host: string; port: number };
  // bytes per second from the registry to the client (0: unlimited)
  rate?: number;
  // cut the first connection whose response passes this many bytes (once)
  cutAfter?: number;
}

export interface TcpProxy {
  host: string;
  requests: string[];
  options: ProxyOptions;
  close(): Promise<void>;
}

export async function startProxy(o: ProxyOptions): Promise<TcpProxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    const upstream = connect(o.target.port, o.target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    client.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      const m = /^(GET|HEAD|PUT|POST|PATCH) [^\r\n]+/.exec(text);
      if (m) {
        const range = /\r\nrange: ([^\r\n]+)/i.exec(text);
        requests.push(range ? `${m[0]} range=${range[1]}` : m[0]);
      }
      upstream.write(d);
    });
    let sent = 0;
    let queue = Promise.resolve();
    upstream.on('data', (d: Buffer) => {
      upstream.pause();
      queue = queue.then(async () => {
        for (let off = 0; off < d.length; ) {
          const rate = o.rate ?? 0;
          const n = rate > 0 ? Math.min(d.length - off, Math.max(1, Math.floor(rate / 50))) : d.length - off;
          if (client.destroyed) return;
          client.write(d.subarray(off, off + n));
          off += n;
          sent += n;
          if (o.cutAfter !== undefined && !cut && sent > o.cutAfter) {
            cut = true;
            client.destroy();
            upstream.destroy();
            return;
          }
          if (rate > 0) await new Promise((r) => setTimeout(r, 20));
        }
        upstream.resume();
      });
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('end', () => upstream.end());
    upstream.on('end', () => void queue.then(() => client.end()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    options: o,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
