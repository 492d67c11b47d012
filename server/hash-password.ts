/**
 * `npm run hash-password`: reads a password from standard input and prints the hash to put after
 * `name:` in SOFTPHONE_USERS. Reading stdin (rather than an argument) keeps the password out of shell
 * history and the process list.
 */
import { stdin, stdout, stderr, exit } from 'node:process';
import { createInterface } from 'node:readline';
import { hashPassword } from './password';

const MIN_LENGTH = 8;

async function readPassword(): Promise<string> {
  if (stdin.isTTY) {
    stderr.write('Password (input hidden): ');
    stdin.setRawMode(true);
  }
  const chunks: string[] = [];
  if (stdin.isTTY) {
    // Raw mode: collect characters ourselves so they are not echoed.
    return new Promise((resolve, reject) => {
      stdin.setEncoding('utf8');
      stdin.on('data', (data: string) => {
        for (const ch of data) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stderr.write('\n');
            resolve(chunks.join(''));
            return;
          }
          if (ch === '\u0003') {
            stdin.setRawMode(false);
            reject(new Error('cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') chunks.pop();
          else chunks.push(ch);
        }
      });
    });
  }
  const rl = createInterface({ input: stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

try {
  const password = await readPassword();
  if (password.length < MIN_LENGTH) {
    stderr.write(`hash-password: the password must have at least ${MIN_LENGTH} characters\n`);
    exit(1);
  }
  stdout.write(`${await hashPassword(password)}\n`);
} catch (err) {
  stderr.write(`hash-password: ${(err as Error).message}\n`);
  exit(1);
}
