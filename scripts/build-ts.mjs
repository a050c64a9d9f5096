// Builds the ESM and CommonJS outputs with two tsc runs (as usearch and NumKong do).
// src/backend/here.ts uses import.meta.url, which CommonJS has no syntax for: its CJS output is
// replaced by the __filename equivalent, and dist/cjs gets {"type":"commonjs"}.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit' });
mkdirSync('dist/cjs', { recursive: true });
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
writeFileSync(
  'dist/cjs/backend/here.js',
  '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n' +
    'exports.hereUrl = require("node:url").pathToFileURL(__filename).href;\n',
);
