/**
 * A small reader and writer for NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
 *
 * Scope: little-endian float64 (`'<f8'`) and float32 (`'<f4'`) arrays in C order. The reader takes
 * one or two dimensions: all that the engine's inputs are (POT fixtures, point clouds, plans).
 * The writer also takes more (a particle trajectory is (records, n, d)).
 *
 * Errors (DESIGN §5):
 * - a file that is not a well-formed `.npy` file (bad magic, unknown version, truncated header,
 *   unparsable header dict, truncated or over-long data) throws `AdvectError('ADVECT_IO')`;
 * - a well-formed file that holds something this reader does not support throws
 *   `TypeError` (dtype other than `<f8`/`<f4`, `fortran_order: True`) or
 *   `RangeError` (0-D or more than 2 dimensions), in the project message shape
 *   `Expected <what> for <name> but received <value>`;
 * - misuse of the API (a non-`Uint8Array` buffer, a shape that does not match the data) throws
 *   `TypeError` / `RangeError`.
 *
 * The writer produces exactly the bytes `numpy.save` produces for the same array (version 1.0,
 * header padded with spaces so that the data starts on a 64-byte boundary, including numpy's
 * 21-character growth padding).
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { AdvectError, describe, rangeError, typeError } from '../errors.js';
import type { FloatArray } from '../types.js';

export interface NpyArray {
  data: Float64Array | Float32Array;
  shape: number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function ioError(name: string, what: string, received: string): AdvectError {
  return new AdvectError('ADVECT_IO', `Expected ${what} for ${name} but received ${received}`);
}

function formatShape(shape: readonly unknown[]): string {
  if (shape.length === 1) return `(${String(shape[0])},)`;
  return `(${shape.map((s) => String(s)).join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// A minimal parser for the Python literal in the header: dicts, tuples, lists, strings,
// integers, True/False/None.

type PyValue = string | number | boolean | null | PyValue[] | PyTuple | PyDict;
class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
class PyDict {
  constructor(readonly entries: Map<string, PyValue>) {}
}

class HeaderSyntaxError extends Error {}

function parsePyLiteral(src: string): PyValue {
  let i = 0;
  const n = src.length;

  const skipWs = (): void => {
    while (i < n && /\s/.test(src[i]!)) i++;
  };
  const fail = (msg: string): never => {
    throw new HeaderSyntaxError(`${msg} at offset ${i}`);
  };

  const parseValue = (depth: number): PyValue => {
    if (depth > 16) fail('nesting too deep');
    skipWs();
    if (i >= n) fail('unexpected end');
    const c = src[i]!;
    if (c === '{') return parseDict(depth);
    if (c === '(') return parseSeq(depth, ')');
    if (c === '[') return parseSeq(depth, ']');
    if (c === "'" || c === '"') return parseString();
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return parseInt();
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (src.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    return fail(`unexpected character ${JSON.stringify(c)}`);
  };

  const parseString = (): string => {
    const q = src[i]!;
    i++;
    let out = '';
    while (i < n && src[i] !== q) {
      if (src[i] === '\\') {
        i++;
        if (i >= n) break;
      }
      out += src[i];
      i++;
    }
    if (i >= n) fail('unterminated string');
    i++;
    return out;
  };

  const parseInt = (): number => {
    const m = /^[+-]?\d+L?/.exec(src.slice(i));
    if (!m) return fail('bad number');
    i += m[0].length;
    return Number(m[0].replace(/L$/, ''));
  };

  const parseSeq = (depth: number, close: ')' | ']'): PyValue => {
    i++; // opening bracket
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      skipWs();
      if (i >= n) fail('unterminated sequence');
      if (src[i] === close) {
        i++;
        break;
      }
      items.push(parseValue(depth + 1));
      skipWs();
      if (src[i] === ',') {
        sawComma = true;
        i++;
      } else if (src[i] !== close) {
        fail('expected comma');
      }
    }
    if (close === ']') return items;
    // "(x)" without a comma is just a parenthesised value in Python.
    if (items.length === 1 && !sawComma) return items[0]!;
    return new PyTuple(items);
  };

  const parseDict = (depth: number): PyDict => {
    i++; // '{'
    const entries = new Map<string, PyValue>();
    for (;;) {
      skipWs();
      if (i >= n) fail('unterminated dict');
      if (src[i] === '}') {
        i++;
        break;
      }
      const key = parseValue(depth + 1);
      if (typeof key !== 'string') fail('dict key is not a string');
      skipWs();
      if (src[i] !== ':') fail('expected colon');
      i++;
      entries.set(key as string, parseValue(depth + 1));
      skipWs();
      if (src[i] === ',') i++;
      else if (src[i] !== '}') fail('expected comma');
    }
    return new PyDict(entries);
  };

  const value = parseValue(0);
  skipWs();
  if (i !== n) fail('trailing characters');
  return value;
}

function renderPy(v: PyValue): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(renderPy).join(', ')}]`;
  if (v instanceof PyTuple) return formatShape(v.items.map(renderPy));
  return 'a dict';
}

// ---------------------------------------------------------------------------------------------

/** Parse the bytes of a `.npy` file. `name` is used in error messages (e.g. the file path). */
export function parseNpy(bytes: Uint8Array, name = 'npy'): NpyArray {
  if (!(bytes instanceof Uint8Array)) throw typeError('a Uint8Array', name, bytes);

  const len = bytes.length;
  if (len < 10) throw ioError(name, 'at least 10 bytes (an .npy preamble)', `${len} bytes`);
  for (let k = 0; k < MAGIC.length; k++) {
    if (bytes[k] !== MAGIC[k]) {
      const got = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw ioError(name, 'the .npy magic string \\x93NUMPY', `bytes ${got}`);
    }
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw ioError(name, '.npy format version 1.0, 2.0 or 3.0', `version ${major}.${minor}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLen: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else {
    if (len < 12) throw ioError(name, 'at least 12 bytes (an .npy v2/v3 preamble)', `${len} bytes`);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > len) {
    throw ioError(
      name,
      `a header of ${headerLen} bytes`,
      `a file of ${len} bytes (truncated header)`,
    );
  }

  const headerBytes = bytes.subarray(headerStart, dataStart);
  const headerText =
    major === 3
      ? new TextDecoder('utf-8').decode(headerBytes)
      : new TextDecoder('latin1').decode(headerBytes);

  let header: PyValue;
  try {
    header = parsePyLiteral(headerText);
  } catch (err) {
    if (err instanceof HeaderSyntaxError) {
      throw new AdvectError(
        'ADVECT_IO',
        `Expected a Python dict literal as the .npy header for ${name} but received ${describe(
          headerText.trim(),
        )} (${err.message})`,
      );
    }
    throw err;
  }
  if (!(header instanceof PyDict)) {
    throw ioError(name, 'a dict as the .npy header', describe(headerText.trim()));
  }
  const keys = [...header.entries.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    throw ioError(
      name,
      "header keys 'descr', 'fortran_order', 'shape'",
      keys.length ? keys.map((k) => `'${k}'`).join(', ') : 'no keys',
    );
  }
  const descr = header.entries.get('descr')!;
  const fortran = header.entries.get('fortran_order')!;
  const shapeVal = header.entries.get('shape')!;

  if (typeof fortran !== 'boolean') {
    throw ioError(name, 'a boolean fortran_order', renderPy(fortran));
  }
  if (
    !(shapeVal instanceof PyTuple) ||
    !shapeVal.items.every((s) => typeof s === 'number' && Number.isSafeInteger(s) && s >= 0)
  ) {
    throw ioError(name, 'a tuple of non-negative integers as shape', renderPy(shapeVal));
  }
  const shape = shapeVal.items as number[];

  if (descr !== '<f8' && descr !== '<f4') {
    throw new TypeError(
      `Expected dtype '<f8' or '<f4' (little-endian float64 or float32) for ${name} but received ${renderPy(
        descr,
      )}`,
    );
  }
  if (fortran) {
    throw new TypeError(`Expected fortran_order False (C order) for ${name} but received True`);
  }
  if (shape.length < 1 || shape.length > 2) {
    throw new RangeError(
      `Expected a 1-D or 2-D array for ${name} but received shape ${formatShape(shape)}`,
    );
  }

  const count = shape.reduce((p, s) => p * s, 1);
  const itemSize = descr === '<f8' ? 8 : 4;
  const nbytes = count * itemSize;
  const available = len - dataStart;
  if (available !== nbytes) {
    throw ioError(
      name,
      `${nbytes} data bytes for shape ${formatShape(shape)} ${descr}`,
      `${available} bytes (${available < nbytes ? 'truncated data' : 'trailing bytes'})`,
    );
  }

  // Copy into a fresh, aligned typed array: dataStart is not always a multiple of 8.
  const data = itemSize === 8 ? new Float64Array(count) : new Float32Array(count);
  if (HOST_LITTLE_ENDIAN) {
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart, dataStart + nbytes));
  } else if (itemSize === 8) {
    for (let k = 0; k < count; k++) data[k] = view.getFloat64(dataStart + 8 * k, true);
  } else {
    for (let k = 0; k < count; k++) data[k] = view.getFloat32(dataStart + 4 * k, true);
  }
  return { data, shape: [...shape] };
}

const MAX_WRITE_DIMS = 32; // numpy allows 64; a trajectory needs 3

function checkShape(data: unknown, shape: unknown, name: string): number[] {
  if (!(data instanceof Float64Array || data instanceof Float32Array)) {
    throw typeError('a Float64Array or Float32Array', `${name} data`, data);
  }
  if (
    !Array.isArray(shape) ||
    shape.length < 1 ||
    shape.length > MAX_WRITE_DIMS ||
    !shape.every((s) => typeof s === 'number' && Number.isSafeInteger(s) && s >= 0)
  ) {
    const got = Array.isArray(shape) ? `shape [${shape.map((s) => describe(s)).join(', ')}]` : describe(shape);
    throw new RangeError(
      `Expected a shape of 1 to ${MAX_WRITE_DIMS} non-negative integers for ${name} but received ${got}`,
    );
  }
  const count = (shape as number[]).reduce((p, s) => p * s, 1);
  if (count !== data.length) {
    throw rangeError(
      `data of length ${count} (shape ${formatShape(shape)})`,
      `${name} data`,
      data,
    );
  }
  return shape as number[];
}

/** Serialize a float64/float32 array as a version 1.0 `.npy` file (byte-identical to numpy.save). */
export function serializeNpy(data: FloatArray, shape: number[]): Uint8Array {
  const dims = checkShape(data, shape, 'npy');
  const descr = data instanceof Float64Array ? '<f8' : '<f4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${formatShape(dims)}, }`;
  header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(dims[0]).length);
  const hlen = header.length + 1; // + final '\n'
  const padlen = ARRAY_ALIGN - ((10 + hlen) % ARRAY_ALIGN);
  const total = hlen + padlen;
  if (total > 0xffff) throw rangeError('a shape whose .npy header fits in version 1.0', 'npy', shape);
  header += ' '.repeat(padlen) + '\n';

  const dataStart = 10 + total;
  const out = new Uint8Array(dataStart + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, total, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  if (HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart);
  } else if (data instanceof Float64Array) {
    for (let k = 0; k < data.length; k++) view.setFloat64(dataStart + 8 * k, data[k]!, true);
  } else {
    for (let k = 0; k < data.length; k++) view.setFloat32(dataStart + 4 * k, data[k]!, true);
  }
  return out;
}

/** Read a `.npy` file synchronously. */
export function readNpy(path: string): NpyArray {
  if (typeof path !== 'string' || path.length === 0) throw typeError('a non-empty path string', 'path', path);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new AdvectError('ADVECT_IO', `Cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseNpy(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

/** Write a `.npy` file synchronously (version 1.0). */
export function writeNpy(path: string, data: FloatArray, shape: number[]): void {
  if (typeof path !== 'string' || path.length === 0) throw typeError('a non-empty path string', 'path', path);
  const bytes = serializeNpy(data, shape);
  try {
    writeFileSync(path, bytes);
  } catch (err) {
    throw new AdvectError('ADVECT_IO', `Cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}
