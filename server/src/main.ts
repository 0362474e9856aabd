import { ConfigError, describeConfig, loadConfig } from './config/load-config.js';
import { StartupError, startRuntime } from './runtime.js';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('DocuVault — configuration (environment variables):\n');
    console.log(describeConfig());
    return;
  }
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`docuvault: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }

  let runtime;
  try {
    runtime = await startRuntime(config);
  } catch (e) {
    if (e instanceof StartupError) {
      console.error(`docuvault: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }

  if (runtime.app) {
    await runtime.app.listen({ port: config.port, host: config.host });
  } else {
    console.log(`docuvault worker started (role=${config.role})`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`docuvault: ${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main(process.argv.slice(2)).catch((e) => {
  console.error('docuvault: failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
