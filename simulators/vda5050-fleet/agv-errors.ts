import { ref } from './wire-rules.ts';
import type { InjectedError } from './agv-options.ts';
import type { VdaError } from './vda-wire.ts';

/** Bound on remembered rejection errors, so a master that keeps sending bad orders cannot grow the state. */
const MAX_REJECTIONS = 20;

/**
 * Why an error is in `errors`: rejections and action failures go when a new order is accepted
 * (part A, step 5), injected ones only on `clearErrors()`.
 */
type ErrorKind = 'rejection' | 'injected';

interface ActiveError {
  readonly kind: ErrorKind;
  readonly error: VdaError;
}

/** The vehicle's `errors`: rejections (bounded) and the ones a test injected. */
export class AgvErrors {
  private errors: ActiveError[] = [];

  constructor(private readonly changed: () => void) {}

  get all(): VdaError[] {
    return this.errors.map((e) => e.error);
  }

  hasFatal(): boolean {
    return this.errors.some((e) => e.error.errorLevel === 'FATAL');
  }

  inject(error: InjectedError): void {
    this.errors.push({
      kind: 'injected',
      error: {
        errorType: error.errorType,
        errorLevel: error.errorLevel,
        ...(error.description !== undefined ? { errorDescription: error.description } : {}),
      },
    });
  }

  /** Removes every error, injected ones and rejection warnings alike. */
  clear(): void {
    this.errors = [];
  }

  addRejection(error: VdaError): void {
    this.errors.push({ kind: 'rejection', error });
    const rejections = this.errors.filter((e) => e.kind === 'rejection');
    if (rejections.length > MAX_REJECTIONS) {
      const oldest = rejections[0];
      this.errors = this.errors.filter((e) => e !== oldest);
    }
    this.changed();
  }

  dropRejections(): void {
    this.errors = this.errors.filter((e) => e.kind !== 'rejection');
  }

  /** Parses JSON; on failure records a validationError and returns undefined. */
  parse(payload: Buffer, topic: 'order' | 'instantActions'): unknown {
    try {
      return JSON.parse(payload.toString('utf8')) as unknown;
    } catch {
      this.addRejection({
        errorType: 'validationError',
        errorLevel: 'WARNING',
        errorDescription: `${topic} message is not valid JSON`,
        errorReferences: [ref('topic', topic)],
      });
      return undefined;
    }
  }
}
