// Image references as docker reads them (distribution/reference, its grammar in reference.go):
//
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [domain "/"] path-component ["/" path-component]*
//
// Normalisation: a first component that has no "." or ":" and is not "localhost" is a path on
// docker.io, and a single-component name on docker.io lives under library/, so `busybox` is
// docker.io/library/busybox. With neither tag nor digest the tag is latest (when the caller asks
// for a default tag: `rmi` and `push` do, `images busybox` does not).
import { isDigest, type Digest } from '../oci/digest.ts';
import { InvalidReferenceError } from './reference-error.ts';

export const DEFAULT_DOMAIN = 'docker.io';
export const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
export const OFFICIAL_REPO_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';
const NAME_TOTAL_LENGTH_MAX = 255;

export interface Reference {
  domain: string;       // docker.io, localhost:5000, [::1]:5000
  path: string;         // library/busybox
  tag?: string;
  digest?: Digest;
}

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);
const ANCHORED_ID = /^[a-f0-9]{64}$/;

export interface ParseOptions {
  // add :latest when the reference has neither tag nor digest
  defaultTag?: boolean;
}

// Parses and normalises a user's reference. Throws InvalidReferenceError naming the input.
export function parseReference(input: string, options: ParseOptions = {}): Reference {
  if (input.length === 0) throw new InvalidReferenceError(input, 'the reference is empty');
  if (ANCHORED_ID.test(input)) {
    throw new InvalidReferenceError(input, 'cannot use a 64-character hexadecimal string as a repository name');
  }
  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!DIGEST_RE.test(d)) throw new InvalidReferenceError(input, `invalid digest "${d}"`);
    if (!isDigest(d)) throw new InvalidReferenceError(input, `unsupported digest "${d}": expected sha256 or sha512 with its full length`);
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG_RE.test(tag)) throw new InvalidReferenceError(input, `invalid tag "${tag}": expected letters, digits, "_", "." and "-", at most 128, not starting with "." or "-"`);
  }
  const { domain, path } = splitDomain(rest, input);
  if (!PATH_RE.test(path)) {
    if (PATH_RE.test(path.toLowerCase())) throw new InvalidReferenceError(input, `repository name "${path}" must be lowercase`);
    throw new InvalidReferenceError(input, `invalid repository name "${path}"`);
  }
  if (domain.length + 1 + path.length > NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidReferenceError(input, `repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const ref: Reference = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (options.defaultTag && tag === undefined && digest === undefined) ref.tag = DEFAULT_TAG;
  return ref;
}

function splitDomain(name: string, input: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  let domain: string;
  let path: string;
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || (!first.includes('.') && !first.includes(':') && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    path = name;
  } else {
    domain = first;
    path = name.slice(slash + 1);
    if (!DOMAIN_RE.test(domain)) throw new InvalidReferenceError(input, `invalid registry host "${domain}"`);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;
  return { domain, path };
}

// docker.io/library/busybox
export function repositoryName(ref: Pick<Reference, 'domain' | 'path'>): string {
  return `${ref.domain}/${ref.path}`;
}

// docker.io/library/busybox:latest, docker.io/library/busybox@sha256:..., both when both given
export function formatReference(ref: Reference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

// The short form docker prints: busybox, user/app, localhost:5000/app.
export function familiarName(ref: Pick<Reference, 'domain' | 'path'>): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith(OFFICIAL_REPO_PREFIX) && ref.path.indexOf('/', OFFICIAL_REPO_PREFIX.length) < 0
    ? ref.path.slice(OFFICIAL_REPO_PREFIX.length)
    : ref.path;
}

export function familiarString(ref: Reference): string {
  let s = familiarName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

// The registry host that serves a domain: docker.io's API lives on registry-1.docker.io.
export function registryHost(domain: string): string {
  return domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : domain;
}
