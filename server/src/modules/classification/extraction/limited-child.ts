import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ChildMemoryLimits {
  /** RLIMIT_DATA of the process, in MiB: what the kernel lets it allocate, all kinds of memory. */
  maxMemoryMb: number;
  /** V8's old-space limit, in MiB: below maxMemoryMb, so an ordinary heap overflow ends as a V8 error. */
  maxHeapMb: number;
}

const SHELL = '/bin/sh';

/** Whether children here run under the OS limit; false means the documented fallback (heap flag only). */
export const osMemoryLimitAvailable = process.platform === 'linux' && existsSync(SHELL);

/**
 * Starts `node <script>` with an IPC channel, under a memory limit the kernel enforces.
 * Every process the extraction pool runs is started here, so any new kind of child (OCR
 * too) inherits the limit; programs a child starts inherit it as well (rlimits pass
 * through fork and exec), each under its own copy.
 *
 * Why RLIMIT_DATA (`ulimit -d`) and not RLIMIT_AS (`ulimit -v`) or a cgroup:
 * - V8 reserves address space it never touches (the code range, heap reservations, wasm
 *   guard regions of several GiB), so Node 20 does not even start under an address-space
 *   limit of 300 MiB (“Failed to reserve virtual memory for CodeRange”); a limit high
 *   enough to start caps nothing real.
 * - Since Linux 4.7, RLIMIT_DATA counts every private writable mapping: the V8 heap as it
 *   is committed, malloc, ArrayBuffers and Buffers (pdf.js's stream buffers among them),
 *   not reservations. Node starts in ~40 MiB of it. Over the limit an allocation fails:
 *   Buffer/ArrayBuffer allocation throws a RangeError, V8 aborts the process.
 * - cgroup v2 `memory.max` needs a writable delegated cgroup, which a service rarely has
 *   (and containers already get one from their runtime).
 * The limit is set by `/bin/sh -c 'ulimit -d …; exec node …'` — the shell replaces itself
 * with node, so the pid, the signals and the IPC channel are node's own.
 * Fallback (not Linux, or no /bin/sh): a plain fork with only V8's heap flag and the
 * pool's wall-clock limit; `osMemoryLimitAvailable` says which applies.
 */
export function spawnLimitedChild(
  script: string,
  opts: {
    limits: ChildMemoryLimits;
    execArgv?: string[];
    env?: NodeJS.ProcessEnv;
    /** Its own process group (kill `-pid` then ends the programs it started too, e.g. tesseract). */
    detached?: boolean;
  },
): ChildProcess {
  const nodeArgs = [...(opts.execArgv ?? []), `--max-old-space-size=${opts.limits.maxHeapMb}`, script];
  const options = {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'] as ('ignore' | 'ipc')[],
    serialization: 'advanced' as const,
    env: opts.env ?? process.env,
    detached: opts.detached ?? false,
  };
  if (!osMemoryLimitAvailable) return spawn(process.execPath, nodeArgs, options);
  const kib = Math.max(1, Math.floor(opts.limits.maxMemoryMb * 1024));
  // `;`, not `&&`: ulimit fails only when asked above the hard limit, which then caps the process anyway.
  return spawn(SHELL, ['-c', `ulimit -d ${kib} 2>/dev/null; exec "$0" "$@"`, process.execPath, ...nodeArgs], options);
}

/** A process that died this way most likely ran out of the memory it was allowed. */
export function diedOfMemory(code: number | null, signal: NodeJS.Signals | null): boolean {
  // V8's fatal OOM aborts (SIGABRT, 134); a failed allocation in native code may also end in SIGSEGV/SIGBUS/SIGTRAP.
  return (
    signal === 'SIGABRT' || signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGTRAP' || code === 134 || code === 133
  );
}

/** Messages of the allocation failures Node throws (rather than aborts) when memory runs out. */
export function isAllocationFailure(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /Array buffer allocation failed|allocation failed|Invalid array length|Invalid typed array length|out of memory|Cannot create a Buffer larger/i.test(
    m,
  );
}
