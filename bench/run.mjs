// Runs bench/engine.bench.mjs once per SIMD level, each in its own process (the level is
// chosen at load), and prints the per-level table with speed ratios (a dispatch bug that runs
// scalar code everywhere shows up here as a ratio of 1, FAISS #5210).
// Usage: npm run bench [-- --quick]
import { execFileSync } from 'node:child_process';

const quick = process.argv.includes('--quick');
const levels = ['scalar', 'avx2', 'avx512'];
const rows = {};
for (const level of levels) {
  const env = { ...process.env, ADVECT_SIMD: level };
  delete env.ADVECT_BACKEND;
  const out = execFileSync(process.execPath, ['bench/engine.bench.mjs', '--json', ...(quick ? ['--quick'] : [])], { env });
  const r = JSON.parse(out.toString().trim().split('\n').pop());
  if (r.simd !== level) console.log(`(level ${level} not available on this CPU; ran ${r.simd})`);
  rows[level] = r;
}
const cases = Object.keys(rows.scalar.cases);
console.log(`read bandwidth (native sum, ${rows.avx512.threads} threads): ${rows.avx512.readBandwidthGBs.toFixed(1)} GB/s`);
console.log('\n| case | scalar | avx2 | avx512 | avx512/scalar | avx2/avx512 |');
console.log('|---|---|---|---|---|---|');
for (const c of cases) {
  const metric = (r) => r.cases[c].GpairsPerCore ?? r.cases[c].GBs;
  const unit = rows.scalar.cases[c].GpairsPerCore !== undefined ? 'G pairs/s/core' : 'GB/s';
  const v = levels.map((l) => metric(rows[l]));
  console.log(`| ${c} (${unit}) | ${v.map((x) => x.toFixed(2)).join(' | ')} | ${(v[2] / v[0]).toFixed(1)}x | ${((100 * v[1]) / v[2]).toFixed(0)}% |`);
}
console.log('\nDense LSE as a fraction of read bandwidth (avx512):');
for (const c of cases.filter((k) => k.startsWith('dense'))) console.log(`  ${c}: ${(100 * rows.avx512.cases[c].fractionOfBandwidth).toFixed(0)}%`);
