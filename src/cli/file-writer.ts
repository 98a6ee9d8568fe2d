/**
 * Writes many files without blocking the computation: each write goes to libuv's thread pool
 * (fs.promises.writeFile) and the caller waits only while `limit` writes are in flight. Writing
 * 20,000 report files one writeFileSync after another cost a fifth of a report run (the main thread
 * waiting on open/write/close); this way the next chunk is computed meanwhile, and memory holds
 * at most `limit` pending texts. The first failed write is thrown by the next write or by flush().
 */
import { writeFile } from 'node:fs/promises';

export interface FileWriter {
  /** Queue one file; resolves when another may be queued. */
  write(path: string, text: string): Promise<void>;
  /** Wait for every queued write; throws the first failure. */
  flush(): Promise<void>;
}

export function fileWriter(limit = 16): FileWriter {
  const pending = new Set<Promise<void>>();
  let failure: unknown = null;
  const check = () => {
    if (failure !== null) throw failure;
  };
  return {
    async write(path, text) {
      check();
      const p: Promise<void> = writeFile(path, text).then(
        () => void pending.delete(p),
        (e: unknown) => {
          pending.delete(p);
          failure ??= e;
        },
      );
      pending.add(p);
      while (pending.size >= limit) await Promise.race(pending);
      check();
    },
    async flush() {
      await Promise.all(pending);
      check();
    },
  };
}
