// What the image store needs from the layer store (src/storage): unpack a layer by chain id,
// tell which exist, remove, list. Declared here so that image/ depends on the shape only.
export interface LayerSink {
  has(chainId: string): boolean;
  applyLayer(o: { chainId: string; parent?: string; diffId: string; tar: AsyncIterable<Uint8Array> }): Promise<{ size: number }>;
  remove(chainId: string): void;
  list(): { chainId: string; size?: number }[];
  get?(chainId: string): { size: number } | undefined;
  diffDir(chainId: string): string;
}
