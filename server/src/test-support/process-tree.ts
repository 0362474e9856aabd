import { readFileSync } from 'node:fs';

/** A process and all its descendants, from /proc (Linux); just the process elsewhere. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    let tasks: string[] = [];
    try {
      tasks = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      // gone, or no /proc
    }
    for (const c of tasks) out.push(Number(c));
  }
  return out;
}

/** Resident memory of one process in bytes (VmRSS), 0 when it is gone or unreadable. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples the resident memory of a process tree (the sum over the process and its
 * descendants) every `everyMs` until stopped; `peak` is the largest sum seen.
 */
export function sampleTreeRss(pid: number, everyMs = 50) {
  let peak = 0;
  let peakProcesses = 0;
  let peakParts: number[] = [];
  let samples = 0;
  /** The largest RSS each descendant (not the root) reached. */
  const childPeaks = new Map<number, number>();
  const sample = () => {
    const pids = processTree(pid);
    const parts = pids.map(rssOf);
    pids.forEach((p, i) => {
      if (i > 0) childPeaks.set(p, Math.max(childPeaks.get(p) ?? 0, parts[i]!));
    });
    const total = parts.reduce((n, r) => n + r, 0);
    samples++;
    if (total > peak) {
      peak = total;
      peakProcesses = pids.length;
      peakParts = parts;
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    /** Stops sampling; the figures so far. */
    stop() {
      clearInterval(timer);
      sample();
      // What each process held at the peak, the root first (MiB): where the memory was.
      const breakdown = peakParts.map((b) => `${Math.round(b / 2 ** 20)}`).join(' + ');
      const largestChildBytes = Math.max(0, ...childPeaks.values());
      return { peakBytes: peak, peakProcesses, samples, breakdown, largestChildBytes, children: childPeaks.size };
    },
  };
}
