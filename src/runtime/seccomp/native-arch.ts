// Apart from arch.ts, which loads every architecture's syscall table: what the engine needs to
// pick docker's profile for this machine, without paying for the tables on every `run`.
export type SeccompArch = 'x86_64' | 'x86' | 'x32' | 'aarch64' | 'arm';

// The ABI of the machine berth runs on, from Node's process.arch.
export function nativeSeccompArch(nodeArch: string = process.arch): SeccompArch | undefined {
  switch (nodeArch) {
    case 'x64':
      return 'x86_64';
    case 'ia32':
      return 'x86';
    case 'arm64':
      return 'aarch64';
    case 'arm':
      return 'arm';
    default:
      return undefined;
  }
}
