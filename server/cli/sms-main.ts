/** `npm run sms`: a text from the team number (see server/rest-calls/scripts.ts). */
import { config as loadDotenv } from 'dotenv';
import { runSms } from '../rest-calls/scripts';
import { scriptPort } from '../rest-calls/script-port';

loadDotenv({ quiet: true });
process.exitCode = await runSms(process.argv.slice(2), {
  port: scriptPort,
  env: process.env,
  io: { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
});
