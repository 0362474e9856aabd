import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExtractedDocument } from './extract-document.js';
import type { ExtractionReply, ExtractionRequest } from './extraction-child.js';
import { ExtractionError, NEEDS_TOO_MUCH_MEMORY, processMemoryMb, type ExtractionLimits } from './extraction-limits.js';
import type { FileKind } from './file-kind.js';
import { diedOfMemory, spawnLimitedChild } from './limited-child.js';
import { findTesseractProgram } from './ocr/ocr-engine.js';

/** An idle process holds its memory; it goes soon, and a new one starts in well under a second. */
const DEFAULT_IDLE_MS = 3_000;
const START_TIMEOUT_MS = 30_000;

// Under tsx (tests, dev) the child must load TypeScript; the built server runs the .js.
const SELF = fileURLToPath(import.meta.url);
const TS = SELF.endsWith('.ts');
const CHILD = SELF.replace(/extraction-pool\.(ts|js)$/, `extraction-child.${TS ? 'ts' : 'js'}`);

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  idleTimer?: NodeJS.Timeout;
}

interface Task {
  kind: FileKind;
  bytes: Uint8Array;
  owner: string;
  resolve: (result: ExtractedDocument) => void;
  reject: (e: Error) => void;
}

export interface ExtractionPool {
  /** `owner` (the user) shares the processes fairly: a waiting file of whoever has fewest running goes next. */
  extract(kind: FileKind, bytes: Uint8Array, opts?: { owner?: string }): Promise<ExtractedDocument>;
  close(): Promise<void>;
}

/**
 * Parses files in separate processes, so a hostile file cannot take the worker down. Each
 * process runs under a memory limit the kernel enforces (spawnLimitedChild: RLIMIT_DATA,
 * plus V8's heap flag below it), each file under a wall-clock limit (the process is
 * killed when it runs over — the only way to stop a synchronous parser loop). A process
 * over either limit ends, the file fails with a plain error and a fresh process takes the
 * next file. Processes, not worker threads: V8 aborts the whole process when memory runs
 * out, and the job runner must not go with it. Idle processes exit after a few seconds.
 */
export function createExtractionPool(opts: { limits: ExtractionLimits; size?: number; idleMs?: number }): ExtractionPool {
  const size = Math.max(1, opts.size ?? 2);
  const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  const slots = new Set<Slot>();
  /** Running files per owner, for the fair pick in pump(). */
  const running = new Map<string, number>();
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    // The child decides its engine the same way, from the PATH it inherits (ocr-engine.ts).
    const { engine } = opts.limits.ocr;
    const wasm = engine === 'wasm' || (engine === 'auto' && findTesseractProgram() === null);
    const child = spawnLimitedChild(CHILD, {
      limits: { maxMemoryMb: processMemoryMb(opts.limits, wasm), maxHeapMb: opts.limits.maxHeapMb },
      execArgv: TS ? ['--import', 'tsx'] : [],
      // Its own process group, so a kill also ends the OCR program it may be running.
      detached: true,
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('extraction process did not start in time')), START_TIMEOUT_MS);
      const onMessage = (m: { ready?: boolean }) => {
        if (!m?.ready) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      child.once('error', (e) => (clearTimeout(timer), reject(e)));
      child.once('exit', () => (clearTimeout(timer), reject(new Error('extraction process ended while starting'))));
    });
    ready.catch(() => {});
    const slot: Slot = { child, ready, busy: false };
    child.once('exit', () => slots.delete(slot));
    child.on('error', () => {}); // reported through the task or `ready`
    slots.add(slot);
    idle(slot);
    return slot;
  }

  /** An idle process keeps nothing alive and goes after a while. */
  function idle(slot: Slot): void {
    slot.busy = false;
    slot.child.unref();
    (slot.child.channel as { unref?: () => void } | undefined)?.unref?.();
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => kill(slot), idleMs);
    slot.idleTimer.unref();
  }

  function kill(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slots.delete(slot);
    try {
      if (slot.child.pid) process.kill(-slot.child.pid, 'SIGKILL');
    } catch {
      slot.child.kill('SIGKILL'); // the group is gone already
    }
  }

  function free(): Slot | undefined {
    for (const s of slots) if (!s.busy) return s;
    return slots.size < size ? spawn() : undefined;
  }

  /** The waiting file whose owner has fewest files running; the oldest among equals. */
  function next(): Task {
    let best = 0;
    for (let i = 1; i < queue.length; i++)
      if ((running.get(queue[i]!.owner) ?? 0) < (running.get(queue[best]!.owner) ?? 0)) best = i;
    return queue.splice(best, 1)[0]!;
  }

  function pump(): void {
    while (queue.length > 0 && !closed) {
      const slot = free();
      if (!slot) return;
      run(slot, next());
    }
  }

  function run(slot: Slot, task: Task): void {
    slot.busy = true;
    running.set(task.owner, (running.get(task.owner) ?? 0) + 1);
    clearTimeout(slot.idleTimer);
    slot.child.ref();
    (slot.child.channel as { ref?: () => void } | undefined)?.ref?.();
    const id = nextId++;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: { result: ExtractedDocument } | { error: Error }, o: { kill?: boolean } = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const n = (running.get(task.owner) ?? 1) - 1;
      if (n > 0) running.set(task.owner, n);
      else running.delete(task.owner);
      slot.child.off('message', onMessage);
      slot.child.off('exit', onExit);
      if (o.kill) kill(slot);
      else idle(slot);
      if ('result' in outcome) task.resolve(outcome.result);
      else task.reject(outcome.error);
      pump();
    };
    const onMessage = (m: ExtractionReply) => {
      if (m?.id !== id) return;
      if ('ocrPage' in m) return ocrPage();
      if (m.ok) finish({ result: m.result });
      // A process that ran out of memory may be left in a bad state: it is replaced.
      else finish({ error: m.plain ? new ExtractionError(m.error) : new Error(m.error) }, { kill: m.recycle === true });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(
        {
          // Running out of the OS or heap limit aborts the process: by far the likeliest way to die mid-file.
          error: new ExtractionError(
            diedOfMemory(code, signal) ? NEEDS_TOO_MUCH_MEMORY : 'The file made the text extractor fail; it is not read',
          ),
        },
        { kill: true },
      );
    // Each page read by OCR adds its own allowance (OCR_MAX_PAGES bounds how many).
    let deadline = 0;
    let ocrPages = 0;
    const arm = () => {
      deadline = Date.now() + opts.limits.timeoutMs;
      schedule();
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => {
          const seconds = Math.round(opts.limits.timeoutMs / 1000);
          const error =
            ocrPages > 0
              ? `Reading the text (OCR) took longer than allowed (${seconds} s plus ${Math.round(
                  opts.limits.ocr.pageTimeoutMs / 1000,
                )} s a page); the file is not read`
              : `Text extraction took longer than ${seconds} s; the file is not read`;
          finish({ error: new ExtractionError(error) }, { kill: true });
        },
        Math.max(0, deadline - Date.now()),
      );
    };
    const ocrPage = () => {
      if (settled || ocrPages >= opts.limits.ocr.maxPages) return;
      ocrPages++;
      deadline += opts.limits.ocr.pageTimeoutMs;
      schedule();
    };
    slot.child.on('message', onMessage);
    slot.child.on('exit', onExit);
    slot.ready.then(
      () => {
        if (settled) return;
        // The time limit runs from when the file reaches the process, not from its start-up.
        arm();
        const req: ExtractionRequest = { id, kind: task.kind, bytes: task.bytes, limits: opts.limits };
        slot.child.send(req, (err) => {
          if (err)
            finish({ error: new Error(`could not hand the file to the extraction process: ${err.message}`) }, { kill: true });
        });
      },
      (e: Error) => finish({ error: new Error(`extraction process did not start: ${e.message}`) }, { kill: true }),
    );
  }

  return {
    extract(kind, bytes, o = {}) {
      if (closed) return Promise.reject(new Error('the extraction pool is closed'));
      if (kind === 'none') return Promise.resolve({ text: '', ocr: false, pages: null, truncated: false, thumbnail: null });
      return new Promise<ExtractedDocument>((resolve, reject) => {
        queue.push({ kind, bytes, owner: o.owner ?? '', resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const t of queue.splice(0)) t.reject(new Error('the extraction pool is closed'));
      for (const s of [...slots]) kill(s);
    },
  };
}
