/**
 * Error conventions (DESIGN §5).
 * - Misuse: TypeError / RangeError with one message shape,
 *   `Expected <what> for <name> but received <value>`.
 * - Numerical trouble or resource limits: AdvectError with a stable `code`.
 */

export type AdvectErrorCode =
  | 'ADVECT_NOT_CONVERGED'
  | 'ADVECT_NUMERIC'
  | 'ADVECT_TOO_LARGE'
  | 'ADVECT_ABORTED'
  | 'ADVECT_INFEASIBLE'
  | 'ADVECT_IO';

export class AdvectError extends Error {
  readonly code: AdvectErrorCode;
  constructor(code: AdvectErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdvectError';
    this.code = code;
  }
}

/** Short, safe rendering of an arbitrary received value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') {
    return Number.isNaN(value) ? 'NaN' : String(value);
  }
  if (typeof value === 'string') {
    const s = value.length > 40 ? value.slice(0, 37) + '...' : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean' || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value)) {
    const ctor = (value as object).constructor?.name ?? 'TypedArray';
    const len = (value as unknown as { length?: number }).length;
    return len === undefined ? ctor : `${ctor}(${len})`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

export function typeError(what: string, name: string, value: unknown): TypeError {
  return new TypeError(`Expected ${what} for ${name} but received ${describe(value)}`);
}

export function rangeError(what: string, name: string, value: unknown): RangeError {
  return new RangeError(`Expected ${what} for ${name} but received ${describe(value)}`);
}

export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new AdvectError('ADVECT_ABORTED', 'The operation was aborted');
}
