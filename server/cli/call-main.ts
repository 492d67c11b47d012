/** `npm run call`: a call that says a text (see server/rest-calls/scripts.ts). */
import { config as loadDotenv } from 'dotenv';
import { runCall } from '../rest-calls/scripts';
import { scriptPort } from '../rest-calls/script-port';

loadDotenv({ quiet: true });
process.exitCode = await runCall(process.argv.slice(2), {
  port: scriptPort,
  env: process.env,
  io: { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
});
