/**
 * The benches' SMTP sink: a child process on loopback (so the sink has a core of its own and
 * neither side measures the other) that accepts every mail, counts them, and reports when a mail
 * to an `esc-` address arrived (the mail bench times escalation mails by it). `npx tsx
 * bench/smtp-sink.ts` runs the child side; `startSink()` forks it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

type SinkMsg = { type: 'ready'; port: number } | { type: 'count'; count: number } | { type: 'esc'; to: string; at: number };

const SELF = fileURLToPath(import.meta.url);

function runSink() {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 200,
    closeTimeout: 1000,
    onData(stream, session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        count++;
        const to = session.envelope.rcptTo[0]?.address ?? '';
        if (to.startsWith('esc-')) process.send!({ type: 'esc', to, at: Date.now() } satisfies SinkMsg);
        cb();
      });
    },
  });
  server.on('error', () => undefined);
  server.listen(0, '127.0.0.1', () =>
    process.send!({ type: 'ready', port: (server.server.address() as AddressInfo).port } satisfies SinkMsg),
  );
  process.on('message', (m: { type: string }) => {
    if (m.type === 'count') process.send!({ type: 'count', count } satisfies SinkMsg);
    if (m.type === 'stop') server.close(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
}

/** Forks the sink and waits until it listens (generous: on a busy shared machine a tsx child can take a while). */
export async function startSink(startMs = 90_000) {
  const child: ChildProcess = fork(SELF, ['--sink'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const escalations: Array<{ to: string; at: number }> = [];
  const countWaiters: Array<(n: number) => void> = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('smtp sink did not start'));
    }, startMs);
    child.on('message', (m: SinkMsg) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.port);
      }
      if (m.type === 'count') countWaiters.shift()?.(m.count);
      if (m.type === 'esc') escalations.push({ to: m.to, at: m.at });
    });
    child.once('exit', (code) => reject(new Error(`smtp sink exited with ${code}`)));
  });
  return {
    port,
    /** Mails to `esc-…` addresses, with their arrival time. */
    escalations,
    /** How many mails the sink has taken so far. */
    count: () =>
      new Promise<number>((resolve) => {
        countWaiters.push(resolve);
        child.send({ type: 'count' });
      }),
    async stop() {
      child.send({ type: 'stop' });
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

if (process.argv.includes('--sink')) runSink();
