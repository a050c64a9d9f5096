/**
 * The showcase (`npm start`): runs each section on built-in data, writes SVG figures and
 * out/report.html, and prints a summary. Each capability adds one section file.
 */
import { createReport } from './report.js';
import { engineSection } from './sections/engine.js';
import { particlesSection } from './sections/particles.js';
import { semidiscreteSection } from './sections/semidiscrete.js';
import { sinkhornSection } from './sections/sinkhorn.js';
import { exactSection } from './sections/exact.js';

export const sections: Array<{ name: string; run: (r: ReturnType<typeof createReport>) => void | Promise<void> }> = [
  { name: 'engine', run: engineSection },
  { name: 'particles', run: particlesSection },
  { name: 'semidiscrete', run: semidiscreteSection },
  { name: 'sinkhorn', run: sinkhornSection },
  { name: 'exact', run: exactSection },
];

export async function runShowcase(outDir = 'out', only?: string[]): Promise<string> {
  const report = createReport(outDir);
  for (const s of sections) {
    if (only && only.length && !only.includes(s.name)) continue;
    await s.run(report);
  }
  return report.write();
}
