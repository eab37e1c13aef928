import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/**
 * Child process that owns one embedded PostgreSQL server for a test that must stop and restart
 * it (jest's module sandbox cannot load embedded-postgres, which is an ES module). Prints
 * "ready <url>" once listening, stops the server when stdin closes or says "stop".
 */
async function main(): Promise<void> {
  const [dir, port] = process.argv.slice(2);
  const handle = await startEmbeddedPostgres(dir, Number(port));
  process.stdout.write(`ready ${handle.url}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await handle.stop();
    process.stdout.write('stopped\n');
    process.exit(0);
  };
  process.stdin.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('stop')) void stop();
  });
  process.stdin.on('end', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
