/** The pure-TypeScript backend: every native op family, mirrored. */
import { availableParallelism } from 'node:os';
import type { Backend, NativeInfo } from '../types.js';
import { jsCore } from './core.js';
import { jsEmd } from './emd.js';
import { jsExact } from './exact.js';
import { jsSinkhorn } from './sinkhorn.js';
import { jsParticles } from './particles.js';
import { jsSdot } from './sdot.js';

const info = (): NativeInfo => ({
  simd: 'none',
  simdDetected: 'none',
  simdCompiled: [],
  openmp: false,
  threads: 1,
  hardwareThreads: availableParallelism(),
  napi: 0,
});

export const jsBackend: Backend = {
  name: 'js',
  info,
  setThreads: () => 1,
  core: jsCore,
  emd: jsEmd,
  exact: jsExact,
  sinkhorn: jsSinkhorn,
  particles: jsParticles,
  sdot: jsSdot,
};
