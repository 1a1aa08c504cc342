import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';

// The child's side of forkTarget (bench/lib/http-bench.ts), apart from the load generator's code,
// which a server under test has no reason to load.

/** CPU time of the process's main thread alone (Linux), in ms; undefined elsewhere. */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Reports `url` to the parent and answers its settle / ask / cpu / stop calls. */
export function serveTarget(url: string, handlers: { settle?: () => Promise<void>; ask?: (what: string) => unknown; stop: () => Promise<void> }): void {
  process.on('message', (m: { op: string; arg?: string; id: number }) => {
    void (async () => {
      try {
        let result: unknown;
        if (m.op === 'settle') await handlers.settle?.();
        else if (m.op === 'cpu') result = { ...process.cpuUsage(), main: mainThreadCpuMs() };
        else if (m.op === 'ask') result = await handlers.ask?.(m.arg ?? '');
        else if (m.op === 'stop') await handlers.stop();
        process.send!({ id: m.id, result });
        // Exit (not just disconnect) so --cpu-prof writes its profile.
        if (m.op === 'stop') process.disconnect();
      } catch (e) {
        process.send!({ id: m.id, error: (e as Error).stack ?? String(e) });
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: url });
}

/** Serves a bare app (the comparison's baseline) on a free port and reports it as the target. */
export async function serveExpressTarget(http: Express): Promise<void> {
  const server = http.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  serveTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    stop: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
