// Typed errors shared by every layer. Each carries a stable code (never reused: users and
// scripts search for them) and a user-facing message: lower-case, no final period, naming the
// thing and the bad value. Exit codes are chosen only in bin/, from the class and its fields.

export interface BerthErrorOptions {
  cause?: unknown;
}

export class BerthError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  // Adds context from the outside in, like crun_error_wrap: `starting "web": <inner message>`.
  wrap(prefix: string): this {
    this.message = `${prefix}: ${this.message}`;
    return this;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

// Wrong command line: unknown flag, missing argument, bad flag value.
export class UsageError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('E_USAGE', message, options);
  }
}

// A named object (container, image, file) does not exist.
export class NotFoundError extends BerthError {
  constructor(code: string, message: string, options?: BerthErrorOptions) {
    super(code, message, options);
  }
}

// The object exists but its state forbids the operation (running container, duplicate id).
export class ConflictError extends BerthError {
  constructor(code: string, message: string, options?: BerthErrorOptions) {
    super(code, message, options);
  }
}

// config.json (or another input document) is wrong; `field` is the JSON path that is wrong.
export class InvalidConfigError extends BerthError {
  readonly field: string;
  constructor(field: string, message: string, options?: BerthErrorOptions) {
    super('E_INVALID_CONFIG', field ? `${field}: ${message}` : message, options);
    this.field = field;
  }
}

// A kernel operation failed. `errno` is the symbolic name (ENOENT), `step` what was being done.
export class SystemError extends BerthError {
  readonly errno: string;
  constructor(code: string, message: string, errno: string, options?: BerthErrorOptions) {
    super(code, message, options);
    this.errno = errno;
  }
}

// The user's program could not be started: not found (127 in docker) or not runnable (126).
export class ExecError extends BerthError {
  readonly reason: 'not-found' | 'cannot-invoke';
  constructor(reason: 'not-found' | 'cannot-invoke', message: string, options?: BerthErrorOptions) {
    super(reason === 'not-found' ? 'E_EXEC_NOT_FOUND' : 'E_EXEC_CANNOT_INVOKE', message, options);
    this.reason = reason;
  }
}

// A hook failed or timed out.
export class HookError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('E_HOOK_FAILED', message, options);
  }
}

// An invariant broke: a bug in berth, not in the input.
export class InternalError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('E_INTERNAL', `internal error: ${message}`, options);
  }
}

export function isBerthError(err: unknown): err is BerthError {
  return err instanceof BerthError;
}

// The message of anything thrown, for places that must report foreign errors too.
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
