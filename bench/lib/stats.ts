/** Percentiles and a timer for the benchmark scripts. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export class Recorder {
  private readonly samples = new Map<string, number[]>();

  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      const list = this.samples.get(name) ?? [];
      list.push(performance.now() - start);
      this.samples.set(name, list);
    }
  }

  summary(wallMs?: number) {
    return [...this.samples.entries()].map(([name, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return {
        name, count: list.length,
        opsPerSec: wallMs ? Math.round((list.length / wallMs) * 1000) : undefined,
        p50: +percentile(sorted, 50).toFixed(2), p99: +percentile(sorted, 99).toFixed(2), max: +sorted[sorted.length - 1]!.toFixed(2),
      };
    });
  }
}

export async function runWorkers(n: number, total: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      await job(i);
    }
  }));
}
