// Docker-shaped data for the template tests: what `docker inspect` and `docker ps` feed their
// templates, trimmed to the fields formats use.
import { goStruct } from '../go-values.ts';

export function containerInspect(): Record<string, unknown> {
  return {
    Id: '4fa6e0f0c6786287e131c3852c58a2e01cc697a68231826813597e4994f1d6e2',
    Created: '2024-05-01T12:00:00.123456789Z',
    Path: '/docker-entrypoint.sh',
    Args: ['nginx', '-g', 'daemon off;'],
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 4242,
      ExitCode: 0,
      Error: '',
      StartedAt: '2024-05-01T12:00:01Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      Health: null,
    },
    Image: 'sha256:a8758716bb6aa4d90071160d27028fe4eaee7ce8166221a97d30440c8eac2be6',
    Name: '/web',
    RestartCount: 0,
    Driver: 'overlay2',
    HostConfig: {
      NetworkMode: 'bridge',
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      Memory: 536870912,
      NanoCpus: 1500000000,
      CpuShares: 0,
      Binds: null,
      Privileged: false,
      ReadonlyRootfs: false,
    },
    Mounts: [
      { Type: 'bind', Source: '/srv/www', Destination: '/usr/share/nginx/html', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      { Type: 'volume', Name: 'cache', Source: '/var/lib/docker/volumes/cache/_data', Destination: '/var/cache/nginx', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
    ],
    Config: {
      Hostname: '4fa6e0f0c678',
      User: '',
      Tty: false,
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NGINX_VERSION=1.25.5'],
      Cmd: ['nginx', '-g', 'daemon off;'],
      Image: 'nginx:1.25',
      WorkingDir: '',
      Entrypoint: ['/docker-entrypoint.sh'],
      ExposedPorts: { '80/tcp': {} },
      Labels: {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': 'web',
        maintainer: 'NGINX Docker Maintainers <docker-maint@nginx.com>',
      },
      StopSignal: 'SIGQUIT',
    },
    NetworkSettings: {
      Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }], '443/tcp': null },
      Networks: {
        bridge: { IPAddress: '172.17.0.2', Gateway: '172.17.0.1', MacAddress: '02:42:ac:11:00:02', IPPrefixLen: 16, Aliases: null },
        shop_default: { IPAddress: '172.18.0.3', Gateway: '172.18.0.1', MacAddress: '02:42:ac:12:00:03', IPPrefixLen: 16, Aliases: ['web', '4fa6e0f0c678'] },
      },
      IPAddress: '172.17.0.2',
    },
  };
}

// The same inspect data with docker's struct semantics at the top level (a missing field is an
// error there, as in `docker inspect` on typed data).
export function containerInspectStruct(): object {
  const c = containerInspect();
  goStruct(c.State as object);
  return goStruct(c);
}

// `docker ps` rows: docker's ContainerContext renders everything as strings.
export function psRows(): Array<Record<string, unknown>> {
  return [
    {
      ID: '4fa6e0f0c678', Image: 'nginx:1.25', Command: '"/docker-entrypoint.…"', CreatedAt: '2024-05-01 12:00:00 +0000 UTC',
      RunningFor: '2 hours ago', Ports: '0.0.0.0:8080->80/tcp, :::8080->80/tcp', State: 'running', Status: 'Up 2 hours',
      Size: '1.09kB (virtual 187MB)', Names: 'shop-web-1', Labels: 'com.docker.compose.project=shop,com.docker.compose.service=web',
      Mounts: 'cache,/srv/www', Networks: 'bridge,shop_default', LocalVolumes: '1',
    },
    {
      ID: '9c1b2d3e4f5a', Image: 'postgres:16-alpine', Command: '"docker-entrypoint.s…"', CreatedAt: '2024-04-30 08:15:00 +0000 UTC',
      RunningFor: '28 hours ago', Ports: '5432/tcp', State: 'exited', Status: 'Exited (0) 3 hours ago',
      Size: '63B (virtual 243MB)', Names: 'shop-db-1', Labels: 'com.docker.compose.project=shop,com.docker.compose.service=db',
      Mounts: 'pgdata', Networks: 'shop_default', LocalVolumes: '1',
    },
    {
      ID: 'a1b2c3d4e5f6', Image: 'busybox', Command: '"sh"', CreatedAt: '2024-05-01 13:59:59 +0000 UTC',
      RunningFor: '1 second ago', Ports: '', State: 'created', Status: 'Created',
      Size: '0B (virtual 4.26MB)', Names: 'élan_ünïcode', Labels: '',
      Mounts: '', Networks: 'none', LocalVolumes: '0',
    },
  ];
}

// docker ps's column names (formatter/container.go).
export const psHeaders: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS',
  Mounts: 'MOUNTS', Networks: 'NETWORKS', LocalVolumes: 'LOCAL VOLUMES',
};
