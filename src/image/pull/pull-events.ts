// What a pull reports as it goes; the CLI renders it like docker (a line per layer).
export type LayerStatus =
  | 'Waiting'
  | 'Pulling fs layer'
  | 'Downloading'
  | 'Retrying'
  | 'Verifying Checksum'
  | 'Download complete'
  | 'Extracting'
  | 'Pull complete'
  | 'Already exists';

export interface LayerEvent {
  id: string;          // the first 12 hex digits of the layer blob's digest, as docker shows
  status: LayerStatus;
  current?: number;
  total?: number;
  detail?: string;
}

export interface PullObserver {
  resolved?(info: { repository: string; tagOrDigest: string }): void;
  layer?(e: LayerEvent): void;
}
