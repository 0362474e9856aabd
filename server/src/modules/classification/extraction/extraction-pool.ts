import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExtractedDocument } from './extract-document.js';
import type { ExtractionReply, ExtractionRequest } from './extraction-child.js';
import { ExtractionError, type ExtractionLimits } from './extraction-limits.js';
import type { FileKind } from './file-kind.js';

const IDLE_MS = 60_000;
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
  resolve: (result: ExtractedDocument) => void;
  reject: (e: Error) => void;
}

export interface ExtractionPool {
  extract(kind: FileKind, bytes: Uint8Array): Promise<ExtractedDocument>;
  close(): Promise<void>;
}

/**
 * Parses files in separate processes, so a hostile file cannot take the worker down: each
 * file has a wall-clock limit (the process is killed when it runs over — the only way to
 * stop a synchronous parser loop) and each process a heap limit (--max-old-space-size).
 * Processes, not worker threads: V8 can abort the whole process when a thread's heap
 * limit is hit during a large allocation, and then the job runner would go with it. A
 * process that ended is replaced for the next file; idle ones go after a minute.
 */
export function createExtractionPool(opts: { limits: ExtractionLimits; size?: number }): ExtractionPool {
  const size = Math.max(1, opts.size ?? 2);
  const slots = new Set<Slot>();
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const child = fork(CHILD, [], {
      execArgv: [...(TS ? ['--import', 'tsx'] : []), `--max-old-space-size=${opts.limits.maxHeapMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
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
    slot.idleTimer = setTimeout(() => kill(slot), IDLE_MS);
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

  function pump(): void {
    while (queue.length > 0 && !closed) {
      const slot = free();
      if (!slot) return;
      run(slot, queue.shift()!);
    }
  }

  function run(slot: Slot, task: Task): void {
    slot.busy = true;
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
      else finish({ error: m.plain ? new ExtractionError(m.error) : new Error(m.error) });
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(
        {
          // A V8 heap-limit abort (SIGABRT / 134) is by far the likeliest way to die mid-file.
          error: new ExtractionError(
            signal === 'SIGABRT' || code === 134
              ? 'The file needs too much memory to extract its text; it is not read'
              : 'The file made the text extractor fail; it is not read',
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
    extract(kind, bytes) {
      if (closed) return Promise.reject(new Error('the extraction pool is closed'));
      if (kind === 'none') return Promise.resolve({ text: '', ocr: false, pages: null, truncated: false, thumbnail: null });
      return new Promise<ExtractedDocument>((resolve, reject) => {
        queue.push({ kind, bytes, resolve, reject });
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
