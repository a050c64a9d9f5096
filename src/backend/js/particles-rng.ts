/**
 * Counter-based noise shared bit-for-bit with the native engine (native/src/particles.cc):
 * Philox4x32-10 on the counter (pair index lo, hi, step lo, hi) with key (seed lo, hi), two
 * 53-bit uniforms in (0, 1) per call, Box–Muller to two normals. Element e of step s is
 * normal (e & 1) of pair e >> 1, so a path depends only on (seed, s, e): not on the backend or
 * the thread count. Only Math.log/cos/sin may differ from glibc by an ulp.
 */

/** High 32 bits of the 64-bit product of two uint32 (exact: 16-bit limbs stay below 2^53). */
function mulhi(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + Math.floor(lh / 65536) + Math.floor(hl / 65536) + Math.floor(mid / 65536)) >>> 0;
}

/** Philox4x32-10 in place on c (4 words) with key (k0, k1). */
export function philox4x32(c: Uint32Array, k0: number, k1: number): void {
  let c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(0xd2511f53, c0), lo0 = Math.imul(0xd2511f53, c0) >>> 0;
    const hi1 = mulhi(0xcd9e8d57, c2), lo1 = Math.imul(0xcd9e8d57, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0, n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  c[0] = c0; c[1] = c1; c[2] = c2; c[3] = c3;
}

const TWO_PI = 6.283185307179586;
const u53 = (a: number, b: number) => ((a >>> 5) * 67108864 + (b >>> 6) + 0.5) * (1 / 9007199254740992);
const split = (v: number): [number, number] => [v % 4294967296 >>> 0, Math.floor(v / 4294967296) >>> 0];

/** Fills out[0..len) with the normals of step `step` for `seed`. */
export function fillNoise(seed: number, step: number, len: number, out: Float64Array): void {
  const [k0, k1] = split(seed);
  const [s0, s1] = split(step);
  const c = new Uint32Array(4);
  const pairs = (len + 1) >> 1;
  for (let p = 0; p < pairs; p++) {
    const [p0, p1] = split(p);
    c[0] = p0; c[1] = p1; c[2] = s0; c[3] = s1;
    philox4x32(c, k0, k1);
    const u1 = u53(c[0], c[1]), u2 = u53(c[2], c[3]);
    const rr = Math.sqrt(-2 * Math.log(u1));
    out[2 * p] = rr * Math.cos(TWO_PI * u2);
    if (2 * p + 1 < len) out[2 * p + 1] = rr * Math.sin(TWO_PI * u2);
  }
}

export function philoxNormals(seed: number, step: number, count: number): Float64Array {
  const out = new Float64Array(count);
  fillNoise(seed, step, count, out);
  return out;
}
