/** Entry of the `advect` command (bin/advect.js). Returns the exit code. */
import { AdvectError } from '../errors.js';
import { UsageError } from './args.js';
import { commands } from './commands/index.js';

function help(): string {
  const lines = ['usage: advect <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `advect <command> --help` for its options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 1;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`advect: unknown command ${JSON.stringify(name)}\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: ${cmd.usage}`);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`advect ${name}: ${err.message}\nusage: ${cmd.usage}`);
      return 2;
    }
    if (err instanceof AdvectError || err instanceof TypeError || err instanceof RangeError) {
      const code = err instanceof AdvectError ? ` [${err.code}]` : '';
      console.error(`advect ${name}: ${err.message}${code}`);
      return 1;
    }
    throw err;
  }
}
