import type { Digest } from '../../oci/digest.ts';

// One layer of an image as the store keeps it: the blob as distributed (compressed or not),
// what it unpacks to (diffId), and its place in the chain (chainId, the LayerStore's key).
export interface LayerRecord {
  digest: Digest;
  mediaType: string;
  size: number;
  diffId: Digest;
  chainId: Digest;
  // bytes the unpacked layer takes (the LayerStore's answer); 0 when not unpacked
  unpackedSize: number;
  // bytes of the uncompressed tar (docker save writes it; measured when the layer is unpacked)
  diffSize?: number;
}

// images/<id-hex>.json. The id is the digest of the image config, as in docker.
export interface ImageRecord {
  id: Digest;
  manifest: Digest;
  manifestMediaType: string;
  // the index (manifest list) the manifest was chosen from, when there was one
  index?: Digest;
  layers: LayerRecord[];
  created: string;
  // when the image was last stored or tagged (docker's Metadata.LastTagTime)
  lastTagTime: string;
  // repositories the image came from or was pushed to (docker.io/library/busybox); a push to the
  // same registry mounts blobs from these instead of uploading them again
  sources: string[];
}

// repositories.json: which image each tag and each repo digest names. Full names, normalised.
export interface Repositories {
  tags: Record<string, Digest>;
  digests: Record<string, Digest>;
}
