import { containerPortBindings } from '../../engine/workflow.ts';
import { BerthError } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { err, out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';

// "80" -> "80/tcp", as docker's network.ParsePort.
function portKey(spec: string): string {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(spec);
  if (!m || Number(m[1]) > 65535) throw new BerthError('E_INVALID_PORT', `invalid port '${spec}'`);
  return `${m[1]}${m[2] ? `-${m[2]}` : ''}/${m[3] ?? 'tcp'}`;
}

const hostPort = (b: { HostIp: string; HostPort: string }): string => (b.HostIp.includes(':') ? `[${b.HostIp}]:${b.HostPort}` : `${b.HostIp}:${b.HostPort}`);

// docker port: the container's published ports ("80/tcp -> 0.0.0.0:8080"), or the bindings of
// one port. berth publishes none yet, so the list is empty and a port asked for is an error.
export async function portCommand(ctx: CliContext, ref: string, port: string | undefined): Promise<number> {
  let ports;
  try {
    ports = containerPortBindings(engineFor(ctx), ref);
  } catch (e) {
    return reportDaemonError(e);
  }
  const lines: string[] = [];
  if (port !== undefined) {
    let key: string;
    try {
      key = portKey(port);
    } catch (e) {
      err(`Error: ${(e as Error).message}\n`);
      return 1;
    }
    const bindings = ports[key] ?? [];
    if (bindings.length === 0) {
      err(`Error: no public port '${port}' published for ${ref}\n`);
      return 1;
    }
    for (const b of bindings) lines.push(hostPort(b));
  } else {
    for (const [from, bindings] of Object.entries(ports)) for (const b of bindings ?? []) lines.push(`${from} -> ${hostPort(b)}`);
  }
  lines.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (lines.length > 0) out(`${lines.join('\n')}\n`);
  return 0;
}
