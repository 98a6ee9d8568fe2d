/**
 * Writes many files without blocking the computation: the texts go to one helper thread that
 * writes them one after another (writeFileSync: UTF-8 encoding, open, write, close all happen
 * there), and the caller waits only while `limit` files are queued. Writing the 20,000 files of a
 * city's reports cost the main thread a fifth of the run synchronously, and still ~17% through
 * fs.promises (the thread pool's concurrent creates also cost ~2× the system time of sequential
 * writes on ext4); one writer thread takes it off the main thread's core. Memory holds at most
 * `limit` pending texts. The first failed write is thrown by the next write or by flush().
 */
import { Worker } from 'node:worker_threads';

export interface FileWriter {
  /** Queue one file (text, or bytes: their buffer is handed to the writer thread, not copied); resolves when another may be queued. */
  write(path: string, text: string | Uint8Array): Promise<void>;
  /**
   * Queue one file given in parts (joined, its text): sent on in pieces of about `piece` characters,
   * the first written and the rest appended, so that a very large file is never one string; it
   * resolves with at most two of its pieces queued (files of many pieces do not fill the queue).
   */
  writeParts(path: string, parts: Iterable<string>, piece?: number): Promise<void>;
  /** Wait for every queued write; throws the first failure. The helper thread ends (a later write starts another). */
  flush(): Promise<void>;
}

// Plain JavaScript (no TypeScript loader needed in the thread): write each file as it comes,
// answer with the count written (and the first error, with its message as Node gives it).
const WRITER = `
const { parentPort } = require('node:worker_threads');
const { appendFileSync, writeFileSync } = require('node:fs');
parentPort.on('message', (m) => {
  if (m === 'flush') return parentPort.postMessage({ flushed: true });
  let error;
  try { (m.append ? appendFileSync : writeFileSync)(m.path, m.text); } catch (e) { error = e instanceof Error ? e.message : String(e); }
  parentPort.postMessage({ done: 1, error });
});
`;

type Reply = { done: number; error?: string } | { flushed: true };

export function fileWriter(limit = 64): FileWriter {
  let worker: Worker | undefined;
  let queued = 0;
  let failure: Error | null = null;
  let wake: (() => void) | undefined;
  let flushed: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const check = () => {
    if (failure !== null) throw failure;
  };
  const start = (): Worker => {
    const w = new Worker(WRITER, { eval: true });
    w.on('message', (m: Reply) => {
      if ('flushed' in m) {
        flushed?.();
        return;
      }
      queued -= m.done;
      if (m.error !== undefined) failure ??= new Error(m.error);
      // Idle: the thread must not keep the process alive (say the caller failed before flush()).
      if (queued === 0 && !flushed) w.unref();
      notify();
    });
    w.on('error', (e) => {
      failure ??= e;
      notify();
      flushed?.();
    });
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      if (queued > 0) failure ??= new Error(`file writer stopped with ${queued} files unwritten`);
      notify();
      flushed?.();
    });
    return w;
  };
  const send = async (path: string, text: string | Uint8Array, append: boolean, below = limit) => {
    check();
    worker ??= start();
    worker.ref();
    queued++;
    if (typeof text === 'string') worker.postMessage({ path, text, append });
    else worker.postMessage({ path, text, append }, [text.buffer as ArrayBuffer]);
    while (queued >= below && failure === null) await new Promise<void>((resolve) => (wake = resolve));
    check();
  };
  return {
    write: (path, text) => send(path, text, false),
    async writeParts(path, parts, piece = 1 << 20) {
      let pending: string[] = [];
      let size = 0;
      let append = false;
      for (const part of parts) {
        pending.push(part);
        size += part.length;
        if (size < piece) continue;
        // At most two pieces queued: each is a copy of up to `piece` characters in flight.
        await send(path, pending.join(''), append, 2);
        append = true;
        pending = [];
        size = 0;
      }
      if (pending.length || !append) await send(path, pending.join(''), append);
    },
    async flush() {
      const w = worker;
      if (w) {
        await new Promise<void>((resolve) => {
          flushed = resolve;
          w.ref();
          w.postMessage('flush');
        });
        flushed = undefined;
        worker = undefined;
        await w.terminate();
      }
      check();
    },
  };
}
