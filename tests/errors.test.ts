/** Exact messages and types for bad input to every engine-level export (DESIGN §5). */
import { describe, expect, it } from 'vitest';
import { dist, emd, emdPoints, logSumExp, logSumExpPoints, sampleImage, sinkhorn, softmaxWeightedSum } from '../src/index.js';

const X = { data: new Float64Array([0, 0, 1, 1]), rows: 2, cols: 2 };

describe('error messages', () => {
  it('dist', () => {
    expect(() => dist(42 as never)).toThrow(new TypeError('Expected a matrix {data, rows, cols} or number[][] for x but received 42'));
    expect(() => dist({ data: [1, 2] as never, rows: 1, cols: 2 })).toThrow(new TypeError('Expected a Float64Array or Float32Array for x.data but received an array of length 2'));
    expect(() => dist({ data: new Float64Array(3), rows: 2, cols: 2 })).toThrow(new RangeError('Expected data of length rows*cols = 4 for x but received Float64Array(3)'));
    expect(() => dist({ data: new Float64Array([NaN, 0]), rows: 1, cols: 2 })).toThrow(new RangeError('Expected finite values for x but received "NaN at index 0"'));
    expect(() => dist(X, { data: new Float64Array(3), rows: 1, cols: 3 })).toThrow(new RangeError('Expected 2 columns (as x) for y but received "3 columns"'));
    expect(() => dist(X, { data: new Float32Array(4), rows: 2, cols: 2 })).toThrow(new TypeError('Expected float64 (the dtype of x) for y but received float32'));
    expect(() => dist(X, X, { metric: 'hamming' as never })).toThrow(new RangeError('Expected one of sqeuclidean, euclidean, cityblock, minkowski, cosine for metric but received "hamming"'));
    expect(() => dist(X, X, { metric: 'minkowski', p: 0.5 })).toThrow(new RangeError('Expected p >= 1 for p but received 0.5'));
    expect(() => dist(X, X, 'fast' as never)).toThrow(new TypeError('Expected an options object for options but received "fast"'));
    expect(() => dist([[1, 2], [3]])).toThrow(new TypeError('Expected rows of equal length 2 for x[1] but received an array of length 1'));
  });

  it('logSumExp', () => {
    expect(() => logSumExp(X, { eps: 0 })).toThrow(new RangeError('Expected a positive finite number for eps but received 0'));
    expect(() => logSumExp(X, { eps: -1 })).toThrow(new RangeError('Expected a positive finite number for eps but received -1'));
    expect(() => logSumExp(X, { eps: '1' as never })).toThrow(new TypeError('Expected a positive number for eps but received "1"'));
    expect(() => logSumExp(X, { axis: 'diag' as never })).toThrow(new RangeError('Expected one of rows, cols for axis but received "diag"'));
    expect(() => logSumExp(X, { alpha: [1] })).toThrow(new RangeError('Expected length 2 for alpha but received Float64Array(1)'));
    expect(() => logSumExp(X, { beta: [0, NaN] })).toThrow(new RangeError('Expected values that are finite or -inf for beta but received "NaN at index 1"'));
    expect(() => logSumExp({ data: new Float64Array([NaN, 1, 2, 3]), rows: 2, cols: 2 })).toThrow(new RangeError('Expected a cost matrix without NaN for C but received "NaN at index 0"'));
    expect(() => logSumExp(X, { out: new Float32Array(2) })).toThrow(new TypeError('Expected float64 (the dtype of C) for out but received float32'));
  });

  it('logSumExpPoints and softmaxWeightedSum', () => {
    expect(() => logSumExpPoints(X, null as never)).toThrow(new TypeError('Expected a matrix {data, rows, cols} or number[][] for y but received null'));
    expect(() => softmaxWeightedSum(X, X, [[1]])).toThrow(new RangeError('Expected 2 rows (one per y point) for V but received "1 rows"'));
    expect(() => softmaxWeightedSum(X, X, X, { score: 'l2' as never })).toThrow(new RangeError('Expected one of cost, dot for score but received "l2"'));
    expect(() => softmaxWeightedSum(X, X, X, { scale: '2' as never })).toThrow(new TypeError('Expected a finite number for scale but received "2"'));
    expect(() => softmaxWeightedSum(X, X, X, { scale: 0 })).toThrow(new RangeError('Expected a non-zero finite number for scale but received 0'));
    expect(() => softmaxWeightedSum(X, X, X, { logWeights: [0, Infinity] })).toThrow(new RangeError('Expected values that are finite or -inf for logWeights but received "Infinity at index 1"'));
  });

  it('marginal weights follow the cost dtype (sinkhorn, emd)', () => {
    const C32 = { data: new Float32Array([0, 1, 1, 0]), rows: 2, cols: 2 };
    const a64 = new Float64Array([0.5, 0.5]);
    expect(() => sinkhorn(a64, null, C32, 1)).toThrow(new TypeError('Expected float32 (the dtype of C) for a but received float64'));
    expect(() => emd(null, a64, C32)).toThrow(new TypeError('Expected float32 (the dtype of C) for b but received float64'));
    expect(() => emdPoints(C32, C32, { a: a64 })).toThrow(new TypeError('Expected float32 (the dtype of x) for a but received float64'));
    expect(sinkhorn([0.5, 0.5], [], C32, 1).f).toBeInstanceOf(Float32Array); // number[] is cast; [] is uniform
  });

  it('sampleImage', () => {
    const img = [[0, 1], [1, 0]];
    expect(() => sampleImage(img, NaN, [0, 0, 1, 1])).toThrow(new RangeError('Expected a positive integer up to 67108864 for n but received NaN'));
    expect(() => sampleImage(img, 3, undefined as never)).toThrow(new TypeError('Expected a Float64Array, Float32Array or number[] for bounds but received undefined'));
    expect(() => sampleImage(img, 3, [0, 0, 0, 1])).toThrow(new RangeError('Expected bounds [x0, y0, x1, y1] with x1 > x0 and y1 > y0 for bounds but received "[0, 0, 0, 1]"'));
    expect(() => sampleImage(img, 3, [0, 0, 1, 1], -1)).toThrow(RangeError);
    expect(sampleImage(img, 3, [0, 0, 1, 1]).length).toBe(6);
  });

  it('inputs are never mutated', () => {
    const data = new Float64Array([0.1, 0.2, 0.3, 0.4]);
    const copy = data.slice();
    const M = { data, rows: 2, cols: 2 };
    dist(M, M);
    logSumExp(M, { eps: 0.1, axis: 'cols' });
    logSumExpPoints(M, M, { eps: 0.1 });
    softmaxWeightedSum(M, M, M);
    expect(Array.from(data)).toEqual(Array.from(copy));
  });
});
