import { spawnSync } from 'node:child_process';
import { release } from 'node:os';
import { goArch } from '../../engine/workflow.ts';
import { OCI_VERSION } from '../../oci/runtime-spec.ts';
import type { CliContext } from '../cli-context.ts';
import { formatObjects } from '../render/format-object.ts';
import { out } from '../render/output.ts';
import { VERSION } from '../main.ts';

const INIT_BINARY = '/usr/bin/tini-static';

interface Component {
  Name: string;
  Version: string;
  Details: Record<string, string>;
}

// `docker version`'s data: Client and Server (berth has no daemon: the engine is the same
// program, so the server side is this process's engine and its parts).
function versionData(): { Client: Record<string, unknown>; Server: Record<string, unknown> } {
  const tini = spawnSync(INIT_BINARY, ['--version'], { encoding: 'utf8' });
  const tiniVersion = /version ([\w.]+)/.exec(tini.stdout ?? '')?.[1];
  const components: Component[] = [
    { Name: 'Engine', Version: VERSION, Details: { NodeVersion: process.version, Os: 'linux', Arch: goArch(), KernelVersion: release(), Experimental: 'false' } },
    { Name: 'berth-runtime', Version: VERSION, Details: { OCISpec: OCI_VERSION } },
    ...(tiniVersion ? [{ Name: 'berth-init', Version: tiniVersion, Details: { Path: INIT_BINARY } }] : []),
  ];
  return {
    Client: { Platform: { Name: 'berth' }, Version: VERSION, NodeVersion: process.version, Os: 'linux', Arch: goArch(), Context: 'default' },
    Server: { Platform: { Name: 'berth Engine' }, Components: components, Version: VERSION, NodeVersion: process.version, Os: 'linux', Arch: goArch(), KernelVersion: release(), Experimental: false },
  };
}

// docker's layout: a column of values at a fixed offset, the server's components indented.
function versionText(d: ReturnType<typeof versionData>): string {
  const c = d.Client;
  const s = d.Server;
  const pad = (label: string, width: number): string => `${label}:`.padEnd(width);
  const lines = [
    `Client: ${(c['Platform'] as { Name: string }).Name}`,
    ` ${pad('Version', 19)}${c['Version']}`,
    ` ${pad('Node version', 19)}${c['NodeVersion']}`,
    ` ${pad('OS/Arch', 19)}${c['Os']}/${c['Arch']}`,
    ` ${pad('Context', 19)}${c['Context']}`,
    '',
    `Server: ${(s['Platform'] as { Name: string }).Name}`,
  ];
  for (const comp of s['Components'] as Component[]) {
    lines.push(` ${comp.Name}:`, `  ${pad('Version', 18)}${comp.Version}`);
    if (comp.Name === 'Engine') {
      lines.push(`  ${pad('Node version', 18)}${comp.Details['NodeVersion']}`, `  ${pad('OS/Arch', 18)}${comp.Details['Os']}/${comp.Details['Arch']}`, `  ${pad('Experimental', 18)}${comp.Details['Experimental']}`);
    } else {
      for (const [k, v] of Object.entries(comp.Details)) lines.push(`  ${pad(k, 18)}${v}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function versionCommand(_ctx: CliContext, o: { format?: string }): Promise<number> {
  const d = versionData();
  if (o.format) out(formatObjects(o.format === 'json' ? '{{json .}}' : o.format, [d]));
  else out(versionText(d));
  return 0;
}
