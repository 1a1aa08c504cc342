import { execFileSync } from 'node:child_process';
import { setPriority } from 'node:os';

// Background work (Slack's Web API calls) must never make the thread that acks wait for a CPU.
// Linux's SCHED_IDLE does that: a normal thread that wakes up preempts an idle-policy one at once,
// where a nice-19 thread may first finish its time slice (EEVDF). Node has no call for the
// policy, so util-linux's `chrt` sets it; where that is missing, nice 19 is the next best.

export type CpuPriority = 'idle' | 'nice' | 'unchanged';

/** Lowers the CPU priority of a process or thread (a Linux thread id), or of all its threads. */
export function runInBackground(id: number, options: { allThreads?: boolean } = {}): CpuPriority {
  if (process.platform !== 'linux') return 'unchanged';
  try {
    execFileSync('chrt', ['--idle', ...(options.allThreads ? ['--all-tasks'] : []), '--pid', '0', String(id)], { stdio: 'ignore', timeout: 5000 });
    return 'idle';
  } catch {
    try {
      setPriority(id, 19);
      return 'nice';
    } catch {
      return 'unchanged';
    }
  }
}
