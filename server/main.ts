import 'reflect-metadata';
import { ConfigError } from './src/config/app-config';
import { startServer } from './src/bootstrap';

async function main(): Promise<void> {
  const server = await startServer();
  console.log(`AuditCaseOS listening on ${server.url} (console /, API /api/v1, docs /api/docs)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  console.error('failed to start:', error);
  process.exit(1);
});
