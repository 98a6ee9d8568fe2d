/** A minimal line reader for the floors: big chunks, no CSV quoting rules (generated files need none). */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 8 << 20;

/** Call `onLine` with every non-empty line of `path` after the first (the header). */
export function forEachDataLine(path: string, onLine: (line: string) => void): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let header = true;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      const text = rest + (n ? decoder.write(buf.subarray(0, n)) : decoder.end());
      const lines = text.split('\n');
      rest = n ? lines.pop()! : '';
      for (const line of lines) {
        if (header) {
          header = false;
          continue;
        }
        if (line) onLine(line);
      }
      if (!n) break;
    }
  } finally {
    closeSync(fd);
  }
}
