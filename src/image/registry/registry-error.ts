import { BerthError } from '../../lib/errors.ts';

// A registry answered with an error (or could not be reached). `status` is the HTTP status (0
// when there was no answer) and `distributionCode` the first code of the distribution spec's
// error body (MANIFEST_UNKNOWN, UNAUTHORIZED, DENIED, ...), when the registry sent one.
export class RegistryError extends BerthError {
  readonly status: number;
  readonly distributionCode: string | undefined;
  constructor(status: number, distributionCode: string | undefined, message: string, options?: { cause?: unknown }) {
    super(registryCode(status, distributionCode), message, options);
    this.status = status;
    this.distributionCode = distributionCode;
  }
}

function registryCode(status: number, code: string | undefined): string {
  if (status === 0) return 'E_REGISTRY_UNREACHABLE';
  if (status === 401 || code === 'UNAUTHORIZED') return 'E_REGISTRY_UNAUTHORIZED';
  if (status === 403 || code === 'DENIED') return 'E_REGISTRY_DENIED';
  if (status === 404 || code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN' || code === 'BLOB_UNKNOWN') return 'E_REGISTRY_NOT_FOUND';
  if (status === 429 || code === 'TOOMANYREQUESTS') return 'E_REGISTRY_TOO_MANY_REQUESTS';
  return 'E_REGISTRY';
}

// Reads the distribution spec's error body: {"errors":[{"code","message","detail"}]}.
export function parseErrorBody(text: string): { code?: string; message?: string } {
  try {
    const doc = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const first = doc.errors?.[0];
    if (first) {
      const out: { code?: string; message?: string } = {};
      if (typeof first.code === 'string') out.code = first.code;
      if (typeof first.message === 'string') out.message = first.message;
      return out;
    }
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  return {};
}
