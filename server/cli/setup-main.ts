/** `npm run setup`: the set-up command on the terminal (see setup.ts). */
import { runSetup } from './setup';
import { noPrompter, terminalPrompter } from './prompts';

const interactive = process.stdin.isTTY === true && !process.argv.includes('--yes') && !process.argv.includes('-y');
const code = await runSetup(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  prompter: interactive ? terminalPrompter() : noPrompter('pass it as a flag or an environment variable (see npm run setup -- --help)'),
  interactive,
});
process.exitCode = code;
