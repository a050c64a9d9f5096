import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AdvectError } from '../src/errors.js';
import { parseNpy, readNpy, serializeNpy, writeNpy } from '../src/io/npy.js';

const FIX = fileURLToPath(new URL('./fixtures/npy/', import.meta.url));
const fixture = (name: string): string => join(FIX, name);
const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(fixture(name)));

const tmp = mkdtempSync(join(tmpdir(), 'advect-npy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectIo(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AdvectError);
  expect((caught as AdvectError).code).toBe('ADVECT_IO');
  expect((caught as AdvectError).message).toMatch(pattern);
}

/** Build an .npy file by hand from a header string (for malformed-file cases). */
function rawNpy(header: string, dataBytes = 0, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + header.length + dataBytes);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[pre + k] = header.charCodeAt(k);
  return out;
}

describe('serializeNpy / parseNpy round trip', () => {
  const cases: Array<[string, Float64Array | Float32Array, number[]]> = [
    ['f8 1-D', Float64Array.from([1, -2.5, Math.PI, 1e-300, -0, Infinity, NaN]), [7]],
    ['f8 2-D', Float64Array.from({ length: 12 }, (_, i) => i * 0.1 - 0.3), [3, 4]],
    ['f4 1-D', Float32Array.from([1.5, -2.25, 3.4e38, 1e-40]), [4]],
    ['f4 2-D', Float32Array.from({ length: 6 }, (_, i) => i / 3), [2, 3]],
    ['f8 empty (0,)', new Float64Array(0), [0]],
    ['f8 empty (0,3)', new Float64Array(0), [0, 3]],
    ['f4 empty (3,0)', new Float32Array(0), [3, 0]],
    ['f8 1x1', Float64Array.from([42]), [1, 1]],
    ['f8 long 1-D', Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i)), [1001]],
  ];
  for (const [label, data, shape] of cases) {
    it(label, () => {
      const bytes = serializeNpy(data, shape);
      const dataStart = bytes.length - data.byteLength;
      expect(dataStart % 64).toBe(0);
      const back = parseNpy(bytes);
      expect(back.shape).toEqual(shape);
      expect(back.data.constructor).toBe(data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(data));
      // bit-exact, including -0 and NaN payloads
      expect(new Uint8Array(back.data.buffer)).toEqual(
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
    });
  }

  it('serializes a subarray view (non-zero byteOffset) correctly', () => {
    const base = Float64Array.from([9, 1, 2, 3, 9]);
    const view = base.subarray(1, 4);
    const back = parseNpy(serializeNpy(view, [3]));
    expect(Array.from(back.data)).toEqual([1, 2, 3]);
  });

  it('parses from an unaligned Uint8Array view and returns an aligned copy', () => {
    const bytes = serializeNpy(Float64Array.from([1, 2, 3]), [3]);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const view = shifted.subarray(3);
    const back = parseNpy(view);
    expect(back.data).toBeInstanceOf(Float64Array);
    expect(back.data.byteOffset).toBe(0);
    expect(Array.from(back.data)).toEqual([1, 2, 3]);
    // the result does not alias the input
    shifted.fill(0);
    expect(Array.from(back.data)).toEqual([1, 2, 3]);
  });

  it('writeNpy / readNpy through the file system', () => {
    const p = join(tmp, 'a.npy');
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    writeNpy(p, data, [3, 2]);
    const back = readNpy(p);
    expect(back.shape).toEqual([3, 2]);
    expect(back.data).toBeInstanceOf(Float32Array);
    expect(Array.from(back.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('files written by numpy', () => {
  it('f8 2-D', () => {
    const { data, shape } = readNpy(fixture('f8_2d.npy'));
    expect(shape).toEqual([2, 3]);
    expect(data).toBeInstanceOf(Float64Array);
    expect(Array.from(data)).toEqual([0.5, -1.25, 3.0, 1e-300, -0, Math.PI]);
    expect(Object.is(data[4], -0)).toBe(true);
  });

  it('f4 1-D', () => {
    const { data, shape } = readNpy(fixture('f4_1d.npy'));
    expect(shape).toEqual([5]);
    expect(data).toBeInstanceOf(Float32Array);
    expect(Array.from(data)).toEqual(
      Array.from(Float32Array.from([1.5, -2.25, 1e-30, 3.4e38, Math.E])),
    );
  });

  it('f8 special values', () => {
    const { data } = readNpy(fixture('f8_1d_special.npy'));
    expect(data[0]).toBe(Infinity);
    expect(data[1]).toBe(-Infinity);
    expect(Number.isNaN(data[2])).toBe(true);
    expect(data[3]).toBe(5e-324);
  });

  it('format version 2.0 header', () => {
    const { data, shape } = readNpy(fixture('f8_2d_v2.npy'));
    expect(shape).toEqual([2, 3]);
    expect(Array.from(data)).toEqual(Array.from(readNpy(fixture('f8_2d.npy')).data));
  });

  it('format version 3.0 header', () => {
    const { data, shape } = readNpy(fixture('f4_1d_v3.npy'));
    expect(shape).toEqual([3]);
    expect(data).toBeInstanceOf(Float32Array);
    expect(Array.from(data)).toEqual([1, 2, 3]);
  });

  it('empty shapes (0, 3) and (0,)', () => {
    const a = readNpy(fixture('f8_empty_0x3.npy'));
    expect(a.shape).toEqual([0, 3]);
    expect(a.data.length).toBe(0);
    const b = readNpy(fixture('f4_empty_0.npy'));
    expect(b.shape).toEqual([0]);
    expect(b.data).toBeInstanceOf(Float32Array);
  });

  it('serializeNpy output is byte-identical to numpy.save', () => {
    for (const name of ['f8_2d.npy', 'f4_1d.npy', 'f8_1d_special.npy', 'f8_empty_0x3.npy', 'f4_empty_0.npy']) {
      const ref = fixtureBytes(name);
      const { data, shape } = parseNpy(ref, name);
      expect(serializeNpy(data, shape)).toEqual(ref);
    }
  });
});

describe('rejections', () => {
  it('big-endian >f8 → TypeError', () => {
    expect(() => readNpy(fixture('f8_2d_bigendian.npy'))).toThrow(TypeError);
    expect(() => readNpy(fixture('f8_2d_bigendian.npy'))).toThrow(
      /^Expected dtype '<f8' or '<f4' \(little-endian float64 or float32\) for .*f8_2d_bigendian\.npy but received '>f8'$/,
    );
  });

  it('int32 → TypeError', () => {
    expect(() => parseNpy(fixtureBytes('i4_1d.npy'), 'ints')).toThrow(
      new TypeError(
        "Expected dtype '<f8' or '<f4' (little-endian float64 or float32) for ints but received '<i4'",
      ),
    );
  });

  it('fortran order → TypeError', () => {
    expect(() => parseNpy(fixtureBytes('f8_2d_fortran.npy'), 'F')).toThrow(
      new TypeError('Expected fortran_order False (C order) for F but received True'),
    );
  });

  it('3-D → RangeError', () => {
    expect(() => parseNpy(fixtureBytes('f8_3d.npy'), 'cube')).toThrow(
      new RangeError('Expected a 1-D or 2-D array for cube but received shape (2, 2, 2)'),
    );
  });

  it('0-D → RangeError', () => {
    expect(() => parseNpy(fixtureBytes('f8_0d.npy'), 'scalar')).toThrow(
      new RangeError('Expected a 1-D or 2-D array for scalar but received shape ()'),
    );
  });

  it('bad magic → ADVECT_IO', () => {
    const bytes = fixtureBytes('f8_2d.npy');
    bytes[1] = 0x4f;
    expectIo(() => parseNpy(bytes, 'x'), /^Expected the \.npy magic string .* for x but received bytes 93 4f 55 4d 50 59$/);
    expectIo(() => parseNpy(new TextEncoder().encode('hello, this is not npy'), 'x'), /magic/);
  });

  it('too short for a preamble → ADVECT_IO', () => {
    expectIo(() => parseNpy(new Uint8Array(0), 'x'), /^Expected at least 10 bytes .* but received 0 bytes$/);
    expectIo(() => parseNpy(fixtureBytes('f8_2d.npy').subarray(0, 9), 'x'), /received 9 bytes/);
  });

  it('unknown format version → ADVECT_IO', () => {
    const bytes = fixtureBytes('f8_2d.npy');
    bytes[6] = 4;
    expectIo(() => parseNpy(bytes, 'x'), /^Expected \.npy format version 1\.0, 2\.0 or 3\.0 for x but received version 4\.0$/);
  });

  it('truncated header → ADVECT_IO', () => {
    const bytes = fixtureBytes('f8_2d.npy').subarray(0, 50);
    expectIo(() => parseNpy(bytes, 'x'), /^Expected a header of 118 bytes for x but received a file of 50 bytes \(truncated header\)$/);
    const v2 = fixtureBytes('f8_2d_v2.npy').subarray(0, 11);
    expectIo(() => parseNpy(v2, 'x'), /at least 12 bytes/);
  });

  it('truncated data → ADVECT_IO', () => {
    const full = fixtureBytes('f8_2d.npy');
    const bytes = full.subarray(0, full.length - 1);
    expectIo(() => parseNpy(bytes, 'x'), /^Expected 48 data bytes for shape \(2, 3\) <f8 for x but received 47 bytes \(truncated data\)$/);
  });

  it('trailing data → ADVECT_IO', () => {
    const full = fixtureBytes('f4_1d.npy');
    const bytes = new Uint8Array(full.length + 4);
    bytes.set(full);
    expectIo(() => parseNpy(bytes, 'x'), /trailing bytes/);
  });

  it('malformed header dict → ADVECT_IO', () => {
    expectIo(() => parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,"), 'x'), /Python dict literal/);
    expectIo(() => parseNpy(rawNpy('[1, 2]\n'), 'x'), /a dict as the \.npy header/);
    expectIo(() => parseNpy(rawNpy("{'descr': '<f8', 'shape': (2,), }\n"), 'x'), /header keys/);
    expectIo(
      () => parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }\n"), 'x'),
      /tuple of non-negative integers as shape for x but received \(2, -1\)/,
    );
    expectIo(
      () => parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }\n"), 'x'),
      /a boolean fortran_order/,
    );
    // structured dtypes have a list as descr
    expect(() =>
      parseNpy(rawNpy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }\n", 8), 'x'),
    ).toThrow(TypeError);
  });

  it('hand-built v2 header with a parenthesised scalar shape entry still parses', () => {
    const bytes = rawNpy("{'descr':'<f4','fortran_order':False,'shape':(2,)}\n", 8, 2);
    const { data, shape } = parseNpy(bytes);
    expect(shape).toEqual([2]);
    expect(data).toBeInstanceOf(Float32Array);
  });

  it('readNpy on a missing file → ADVECT_IO', () => {
    expectIo(() => readNpy(join(tmp, 'does-not-exist.npy')), /^Cannot read .*does-not-exist\.npy: /);
  });

  it('API misuse → TypeError / RangeError', () => {
    expect(() => parseNpy([1, 2, 3] as unknown as Uint8Array, 'arr')).toThrow(
      new TypeError('Expected a Uint8Array for arr but received an array of length 3'),
    );
    expect(() => serializeNpy([1, 2] as unknown as Float64Array, [2])).toThrow(
      new TypeError('Expected a Float64Array or Float32Array for npy data but received an array of length 2'),
    );
    expect(() => serializeNpy(new Float64Array(6), [2, 2])).toThrow(
      new RangeError('Expected data of length 4 (shape (2, 2)) for npy data but received Float64Array(6)'),
    );
    expect(() => serializeNpy(new Float64Array(2), new Array(33).fill(1).map((v, k) => (k < 1 ? 2 : v)))).toThrow(RangeError);
    expect(() => serializeNpy(new Float64Array(1), [])).toThrow(RangeError);
    expect(() => serializeNpy(new Float64Array(2), [2.5])).toThrow(RangeError);
    expect(() => readNpy('' as string)).toThrow(TypeError);
  });
});

describe('N-D writing (trajectories)', () => {
  it('writes a 3-D array that numpy reads as (records, n, d); the reader itself stays 1-D/2-D', () => {
    const data = Float32Array.from({ length: 24 }, (_, k) => k / 8);
    const bytes = serializeNpy(data, [2, 3, 4]);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + (bytes[8] | (bytes[9] << 8))));
    expect(header).toContain("'shape': (2, 3, 4)");
    expect((10 + header.length) % 64).toBe(0);
    expect(Array.from(new Float32Array(bytes.slice(10 + header.length).buffer))).toEqual(Array.from(data));
    expect(() => parseNpy(bytes)).toThrow(RangeError);
  });
});
