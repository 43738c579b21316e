// Classifies a manifest document fetched from a registry or read from an archive: an image
// manifest (OCI or Docker schema 2) or an index (OCI index or Docker manifest list). Docker
// schema 1 is refused: registries have not served it since 2020 and docker refuses it too.
import { MediaType, type Descriptor, type ImageIndex, type ImageManifest } from '../../oci/image-spec.ts';
import { ManifestError } from './manifest-error.ts';

export type ParsedManifest =
  | { kind: 'manifest'; mediaType: string; manifest: ImageManifest }
  | { kind: 'index'; mediaType: string; index: ImageIndex };

export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.dockerManifestList,
  MediaType.ociManifest,
  MediaType.dockerManifest,
];

const MANIFEST_TYPES = new Set<string>([MediaType.ociManifest, MediaType.dockerManifest]);
const INDEX_TYPES = new Set<string>([MediaType.ociIndex, MediaType.dockerManifestList]);
const SCHEMA1_TYPES = new Set<string>([MediaType.dockerSchema1, MediaType.dockerSchema1Signed, 'application/json']);

// `what` names the document in messages (a reference or a digest).
export function parseManifest(bytes: Uint8Array, contentType: string | undefined, what: string): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ManifestError('E_MANIFEST_INVALID', `manifest of ${what} is not valid JSON`, { cause: e });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ManifestError('E_MANIFEST_INVALID', `manifest of ${what} is not a JSON object`);
  }
  const declared = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : undefined;
  const header = contentType?.split(';')[0]?.trim();
  if (doc['schemaVersion'] === 1 || (header !== undefined && SCHEMA1_TYPES.has(header) && doc['schemaVersion'] !== 2)) {
    throw new ManifestError(
      'E_MANIFEST_SCHEMA1',
      `${what} uses Docker image manifest schema 1, which berth does not support: push the image again with a current client to convert it to schema 2 or OCI`,
    );
  }
  if (doc['schemaVersion'] !== 2) {
    throw new ManifestError('E_MANIFEST_INVALID', `manifest of ${what} has schemaVersion ${JSON.stringify(doc['schemaVersion'])}: expected 2`);
  }
  // The document's own mediaType wins; the Content-Type header is the fallback; OCI documents
  // may carry neither, and then the shape decides.
  let mediaType = declared ?? (header && (MANIFEST_TYPES.has(header) || INDEX_TYPES.has(header)) ? header : undefined);
  if (mediaType === undefined) mediaType = Array.isArray(doc['manifests']) ? MediaType.ociIndex : MediaType.ociManifest;
  if (MANIFEST_TYPES.has(mediaType)) {
    checkDescriptor(doc['config'], `${what}: config`);
    if (!Array.isArray(doc['layers'])) throw new ManifestError('E_MANIFEST_INVALID', `manifest of ${what} has no layers list`);
    doc['layers'].forEach((l: unknown, i: number) => checkDescriptor(l, `${what}: layers[${i}]`));
    return { kind: 'manifest', mediaType, manifest: doc as unknown as ImageManifest };
  }
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(doc['manifests'])) throw new ManifestError('E_MANIFEST_INVALID', `index of ${what} has no manifests list`);
    doc['manifests'].forEach((m: unknown, i: number) => checkDescriptor(m, `${what}: manifests[${i}]`));
    return { kind: 'index', mediaType, index: doc as unknown as ImageIndex };
  }
  throw new ManifestError('E_MANIFEST_UNSUPPORTED', `${what} has media type "${mediaType}", which is not an image manifest or index`);
}

function checkDescriptor(d: unknown, where: string): asserts d is Descriptor {
  const o = d as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || typeof o['digest'] !== 'string' || typeof o['size'] !== 'number' || typeof o['mediaType'] !== 'string') {
    throw new ManifestError('E_MANIFEST_INVALID', `${where} is not a descriptor with mediaType, digest and size`);
  }
}
