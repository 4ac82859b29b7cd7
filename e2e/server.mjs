// Starts the real `passend` binary for the browser tests and stops it afterwards.
// PASSEND_BIN names the binary; DATABASE_URL the (fresh) database to run on.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function startServer(extraArgs = [], extraEnv = {}) {
  const bin = process.env.PASSEND_BIN;
  if (!bin) throw new Error('PASSEND_BIN is not set (scripts/test sets it)');
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set (scripts/test sets it)');
  const child = spawn(bin, ['serve', ...extraArgs], {
    // Map tiles come from the server itself in tests: the machine has no internet. Notices go
    // out at once (the journeys read them); combining them is tested in tests/it/today.rs.
    env: { ...process.env, PASSEND_ADDR: '127.0.0.1:0', RUST_LOG: 'warn', PASSEND_MAP_TILES: '/static/favicon.svg?{z}/{x}/{y}', PASSEND_MAIL_COMBINE_MINUTES: '0', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('passend did not start within 30 s')), 30000);
    child.once('exit', (code) => reject(new Error(`passend exited early with ${code}`)));
    lines.on('line', (line) => {
      const m = line.match(/(http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
