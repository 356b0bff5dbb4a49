import { ConfigError, loadConfig } from './config';
import { compose, type ComposeOptions, type Composition } from './compose';
import { StartupError } from './dev-redis';

/**
 * Runs one entry point: composes the roles from the settings, turns SIGTERM and SIGINT into the
 * one shutdown (25 s at most), and a startup failure into one line on stderr and exit code 1.
 */
export function run(name: string, options: ComposeOptions, started?: (c: Composition) => void): void {
  const main = async () => {
    const config = loadConfig();
    const c = await compose(config, options);
    started?.(c);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      c.logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones and current jobs');
      setTimeout(() => process.exit(1), 25_000).unref();
      await c.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  };
  main().catch((err) => {
    const line = err instanceof ConfigError || err instanceof StartupError ? err.message : `startup failed: ${(err as Error).message}`;
    process.stderr.write(`${name}: ${line}\n`);
    process.exit(1);
  });
}
