import { engine } from '../../engine.js';
import { parseFlags, printJson } from '../args.js';
import type { Command } from './index.js';

export const info: Command = {
  summary: 'print the engine introspection (backend, SIMD, OpenMP, threads)',
  usage: 'advect info [--json]',
  run(argv) {
    const flags = parseFlags(argv, { json: { type: 'boolean' } });
    const i = engine.info();
    if (flags.json) {
      printJson({
        version: i.version, backend: i.backend, simd: i.simd, simdDetected: i.simdDetected,
        simdCompiled: i.simdCompiled, openmp: i.openmp, threads: i.threads,
      });
    } else {
      console.log(`advect ${i.version}`);
      console.log(`  backend        ${i.backend}${i.loadError ? `  (${i.loadError})` : ''}`);
      console.log(`  simd           ${i.simd} (detected ${i.simdDetected}; compiled ${i.simdCompiled.join(', ') || 'none'})`);
      console.log(`  openmp         ${i.openmp}`);
      console.log(`  threads        ${i.threads}`);
      console.log(`  memory budget  ${(i.memoryBudget / 2 ** 30).toFixed(1)} GiB`);
    }
    return 0;
  },
};
