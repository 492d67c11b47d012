/**
 * A process that owns an embedded PostgreSQL and does nothing else, for tests of what happens to it when its
 * owner is killed (`node --import tsx test-support/embedded-owner.ts <LOCAL_DATA_DIR>`). Prints
 * "ready <postgres pid> <url>" once started; SIGTERM stops it cleanly.
 */
import { EmbeddedPostgres } from '../server/store/embedded/cluster';

const dir = process.argv[2];
if (!dir) throw new Error('usage: embedded-owner.ts <LOCAL_DATA_DIR>');
const cluster = new EmbeddedPostgres({ localDataDir: dir, log: { info() {}, warn() {} } });
const started = await cluster.start();
process.stdout.write(`ready ${started.pid} ${started.url}\n`);
process.once('SIGTERM', () => {
  void cluster.stop().then(() => process.exit(0));
});
setInterval(() => undefined, 60_000);
