import { dirname, join } from 'node:path';
import { engineInfo, type EngineInfo } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { engineFor } from '../container/engine-for.ts';
import { formatObjects } from '../render/format-object.ts';
import { goBytesSize } from '../render/go-units.ts';
import { err, out } from '../render/output.ts';
import { VERSION } from '../main.ts';

const INIT_BINARY = '/usr/bin/tini-static';

interface InfoData extends EngineInfo {
  ClientInfo: { Debug: boolean; Version: string; Context: string; Os: string; Arch: string };
}

// docker info's text: the client, then the engine's facts in docker's order and wording (the
// parts berth has), warnings on stderr.
function infoText(i: InfoData): string {
  const lines = [
    'Client:',
    ` Version:    ${i.ClientInfo.Version}`,
    ` Context:    ${i.ClientInfo.Context}`,
    ` Debug Mode: ${i.ClientInfo.Debug}`,
    '',
    'Server:',
    ` Containers: ${i.Containers}`,
    `  Running: ${i.ContainersRunning}`,
    `  Paused: ${i.ContainersPaused}`,
    `  Stopped: ${i.ContainersStopped}`,
    ` Images: ${i.Images}`,
    ` Server Version: ${i.ServerVersion}`,
    ` Storage Driver: ${i.Driver}`,
    ...i.DriverStatus.map(([k, v]) => `  ${k}: ${v}`),
    ` Logging Driver: ${i.LoggingDriver}`,
    ` Cgroup Driver: ${i.CgroupDriver}`,
    ` Cgroup Version: ${i.CgroupVersion}`,
    ' Plugins:',
    `  Volume: ${i.Plugins.Volume.join(' ')}`,
    `  Network: ${i.Plugins.Network.join(' ')}`,
    `  Log: ${i.Plugins.Log.join(' ')}`,
    ` Swarm: ${i.Swarm.LocalNodeState}`,
    ` Runtimes: ${Object.keys(i.Runtimes).sort().join(' ')}`,
    ` Default Runtime: ${i.DefaultRuntime}`,
    ` Init Binary: ${i.InitBinary}`,
    ' Security Options:',
    ...i.SecurityOptions.flatMap((o) => {
      const kv = Object.fromEntries(o.split(',').map((p) => p.split('=') as [string, string]));
      return [`  ${kv['name']}`, ...Object.entries(kv).filter(([k]) => k !== 'name').map(([k, v]) => `   ${k[0]!.toUpperCase()}${k.slice(1)}: ${v}`)];
    }),
    ` Kernel Version: ${i.KernelVersion}`,
    ` Operating System: ${i.OperatingSystem}`,
    ` OSType: ${i.OSType}`,
    ` Architecture: ${i.Architecture}`,
    ` CPUs: ${i.NCPU}`,
    ` Total Memory: ${goBytesSize(i.MemTotal)}`,
    ` Name: ${i.Name}`,
    ` ID: ${i.ID}`,
    ` Docker Root Dir: ${i.DockerRootDir}`,
    ` Debug Mode: ${i.Debug}`,
    ` Experimental: ${i.ExperimentalBuild}`,
    ` Live Restore Enabled: ${i.LiveRestoreEnabled}`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

export async function infoCommand(ctx: CliContext, o: { format?: string }): Promise<number> {
  const engine = engineFor(ctx);
  const launcher = engine.berthCommand[0] ?? process.argv[1] ?? '';
  const info = await engineInfo(engine, { version: VERSION, debug: ctx.logLevel === 'debug', runtimePath: join(dirname(launcher), 'berth-runtime'), initPath: INIT_BINARY });
  const data: InfoData = { ...info, ClientInfo: { Debug: ctx.logLevel === 'debug', Version: VERSION, Context: 'default', Os: 'linux', Arch: info.Architecture } };
  if (o.format) {
    out(formatObjects(o.format === 'json' ? '{{json .}}' : o.format, [data]));
    return 0;
  }
  out(infoText(data));
  for (const w of info.Warnings) err(`${w}\n`);
  return 0;
}
