/**
 * Questions on the terminal for `npm run setup`: a line of text (with a default), a secret typed without
 * echo, yes or no, and a choice from a numbered list. Set-up talks to a Prompter, so tests script the
 * answers; the terminal one reads standard input and writes the questions to standard error.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

export interface Prompter {
  ask(question: string, fallback?: string): Promise<string>;
  /** Typed without echo; never shown or logged. */
  secret(question: string): Promise<string>;
  confirm(question: string, defaultYes: boolean): Promise<boolean>;
  /** The index of the option chosen. */
  choose(question: string, options: readonly string[]): Promise<number>;
  close(): void;
}

/** Standard error, or nothing while a secret is typed. */
class Muted extends Writable {
  muted = false;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    if (!this.muted) process.stderr.write(chunk);
    done();
  }
}

export function terminalPrompter(): Prompter {
  const output = new Muted();
  const rl: Interface = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true });
  // Ctrl-D or Ctrl-C ends the questions: whatever is waiting for an answer fails as cancelled.
  let cancel: ((err: Error) => void) | undefined;
  rl.on('close', () => cancel?.(new Error('cancelled')));
  const line = (question: string) => new Promise<string>((resolve, reject) => {
    cancel = reject;
    rl.question(question, (answer) => {
      cancel = undefined;
      resolve(answer);
    });
  });
  const prompter: Prompter = {
    async ask(question, fallback) {
      const answer = (await line(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim();
      return answer === '' ? (fallback ?? '') : answer;
    },
    async secret(question) {
      process.stderr.write(`${question} (input hidden): `);
      output.muted = true;
      try {
        return (await line('')).trim();
      } finally {
        output.muted = false;
        process.stderr.write('\n');
      }
    },
    async confirm(question, defaultYes) {
      for (;;) {
        const answer = (await line(`${question} ${defaultYes ? '[Y/n]' : '[y/N]'} `)).trim().toLowerCase();
        if (answer === '') return defaultYes;
        if (answer === 'y' || answer === 'yes') return true;
        if (answer === 'n' || answer === 'no') return false;
      }
    },
    async choose(question, options) {
      process.stderr.write(`${question}\n${options.map((o, i) => `  ${i + 1}. ${o}`).join('\n')}\n`);
      for (;;) {
        const answer = Number((await line(`Choose 1-${options.length}: `)).trim());
        if (Number.isInteger(answer) && answer >= 1 && answer <= options.length) return answer - 1;
      }
    },
    close: () => rl.close(),
  };
  return prompter;
}

/** For scripts (`--yes`, or no terminal): any question is a mistake that names what to pass instead. */
export function noPrompter(hint: string): Prompter {
  const refuse = (question: string): never => {
    throw new Error(`${question.replace(/[?:]\s*$/, '')}: ${hint}`);
  };
  return {
    ask: async (q) => refuse(q),
    secret: async (q) => refuse(q),
    confirm: async (q) => refuse(q),
    choose: async (q) => refuse(q),
    close: () => undefined,
  };
}
