import { runShowcase, sections } from '../../showcase/index.js';
import { parseFlags, str, UsageError } from '../args.js';
import type { Command } from './index.js';

export const demo: Command = {
  summary: 'run the showcase on built-in data; writes SVG figures and out/report.html',
  usage: `advect demo [--out DIR] [--only ${'name,...'}]   sections: ${sections.map((s) => s.name).join(', ')}`,
  async run(argv) {
    const flags = parseFlags(argv, { out: { type: 'string' }, only: { type: 'string' } });
    const only = str(flags, 'only')?.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = only?.filter((name) => !sections.some((s) => s.name === name)) ?? [];
    if (unknown.length) throw new UsageError(`--only: unknown section ${unknown.join(', ')} (sections: ${sections.map((s) => s.name).join(', ')})`);
    const path = await runShowcase(str(flags, 'out') ?? 'out', only);
    console.log(`\nreport: ${path}`);
    return 0;
  },
};
