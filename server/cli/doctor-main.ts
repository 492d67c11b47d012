/** `npm run doctor`: the checks on the terminal (see doctor.ts). */
import { runDoctor } from './doctor';

process.exitCode = await runDoctor(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
