import type { Logger } from '../../lib/log.ts';

export interface RuntimeContext {
  // the state directory (--root), /run/berth-runtime by default
  root: string;
  log: Logger;
}

export const DEFAULT_ROOT = '/run/berth-runtime';
