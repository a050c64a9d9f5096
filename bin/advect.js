#!/usr/bin/env node
// The `advect` command. The TypeScript is compiled to dist/ by `npm install` (prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'esm', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('advect: dist/ is missing; run `npm run build:ts` (or `npm install`) first');
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
