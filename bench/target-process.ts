/**
 * Runs one bench target in its own process, so that the load generator and the server each have a core
 * (the figures of a server sharing its event loop with autocannon would mostly measure autocannon).
 * Protocol over the IPC channel: sends {type:'ready', port, routes}; answers {type:'cpu'} with the process's
 * CPU time; closes and exits when the parent disconnects.
 */
import { startTarget, TARGETS } from './targets';
import type { TargetName } from './targets';
import type { LogLevel } from '../server/config';

const name = process.argv[2] as TargetName;
const logLevel = (process.argv[3] ?? 'info') as LogLevel;
if (!TARGETS.includes(name) || !process.send) {
  process.stderr.write(`usage: run with fork() and one of ${TARGETS.join(', ')}\n`);
  process.exit(2);
}

const target = await startTarget(name, { logLevel });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'cpu') {
    const cpu = process.cpuUsage();
    process.send!({ type: 'cpu', micros: cpu.user + cpu.system });
  }
});
process.on('disconnect', () => {
  target.close().finally(() => process.exit(0));
});
process.send({ type: 'ready', port: target.port, routes: target.routes });
