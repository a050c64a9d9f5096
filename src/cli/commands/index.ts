/** Subcommand registry: name → { summary, run }. Each command lives in its own file. */
import { info } from './info.js';
import { sdot } from './sdot.js';
import { stipple } from './stipple.js';
import { flow } from './flow.js';
import { demo } from './demo.js';
import { sinkhorn } from './sinkhorn.js';
import { emd } from './emd.js';
import { w1d } from './w1d.js';
import { bures } from './bures.js';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number> | number;
}

export const commands: Record<string, Command> = {
  info,
  sdot,
  stipple,
  flow,
  demo,
  sinkhorn,
  emd,
  w1d,
  bures,
};
