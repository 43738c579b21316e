import { BerthError, type BerthErrorOptions } from '../../../lib/errors.ts';

// A --format template that does not parse or fails while executing. The message is Go's own
// text ("template: :1:2: executing \"\" at <.Foo>: ...") so that users and scripts see what
// docker prints; callers add docker's "template parsing error: " prefix with wrap().
export class TemplateError extends BerthError {
  readonly phase: 'parse' | 'exec';

  constructor(phase: 'parse' | 'exec', message: string, options?: BerthErrorOptions) {
    super(phase === 'parse' ? 'E_TEMPLATE_PARSE' : 'E_TEMPLATE_EXEC', message, options);
    this.phase = phase;
  }
}
