/**
 * Raw bytes of a text file (CSV/NDJSON), streamed: each chunk goes through the tap (hash, progress)
 * and, for UTF-8, the strict checker; GBK is decoded with iconv-lite.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import iconv from 'iconv-lite';
import { Utf8Checker } from '../encoding.js';
import type { TextEncoding } from '../types.js';
import type { ByteTap } from './sink.js';

/** Thrown (internally) when a UTF-8 file holds a byte that is not UTF-8. */
export class BadUtf8Error extends Error {
  constructor(readonly offset: number) {
    super(`invalid UTF-8 at byte ${offset}`);
  }
}

/** Thrown (internally) when a GBK file holds a byte sequence that is not GBK (decoded as U+FFFD). */
export class BadGbkError extends Error {
  constructor(readonly line: number) {
    super(`invalid GBK at line ${line}`);
  }
}

/** Chunks of the file as Buffers (UTF-8, checked) or strings (GBK, decoded). */
export async function* textChunks(
  path: string,
  encoding: TextEncoding,
  tap: ByteTap,
  stop: () => boolean = () => false,
): AsyncGenerator<Buffer | string> {
  // 64 KiB chunks keep each decoded chunk (and the strings sliced from it) in V8's young generation:
  // with 1 MiB chunks they went to large-object space and peak RSS grew by a few hundred MiB.
  const input = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    if (encoding === 'gbk') {
      // iconv-lite turns a sequence it cannot decode into U+FFFD: that is never stored. Line feeds
      // are single bytes in GBK (never a trail byte), so counting them in the decoded text is exact.
      const decoder = iconv.getDecoder('gb18030');
      let line = 1;
      const checked = (s: string): string => {
        const bad = s.indexOf('\uFFFD');
        if (bad >= 0) throw new BadGbkError(line + countLf(s, bad));
        line += countLf(s, s.length);
        return s;
      };
      for await (const chunk of input as AsyncIterable<Buffer>) {
        tap(chunk);
        const s = decoder.write(chunk);
        if (s) yield checked(s);
        if (stop()) return;
      }
      const rest = decoder.end();
      if (rest) yield checked(rest);
      return;
    }
    const checker = new Utf8Checker();
    for await (const chunk of input as AsyncIterable<Buffer>) {
      tap(chunk);
      const bad = checker.check(chunk);
      if (bad >= 0) throw new BadUtf8Error(bad);
      yield chunk;
      if (stop()) return;
    }
    const cut = checker.end();
    if (cut >= 0) throw new BadUtf8Error(cut);
  } finally {
    input.destroy();
  }
}

function countLf(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** The 1-based line holding byte `offset` of the file (rare error path: reads the prefix again). */
export function lineAtOffset(path: string, offset: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let line = 1;
    for (let pos = 0; pos < offset; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, offset - pos), pos);
      if (n === 0) break;
      for (let i = 0; i < n; i++) if (buf[i] === 10) line++;
      pos += n;
    }
    return line;
  } finally {
    closeSync(fd);
  }
}

/** Message for a BadGbkError. */
export function badGbkReason(): { zh: string; en: string } {
  return {
    zh: '此处的字节无法按 GBK 解码（字符被截断或文件混有其他编码）。请整个文件另存为 UTF-8 或 GBK',
    en: 'bytes here do not decode as GBK (a cut character, or mixed encodings); save the whole file as UTF-8 or GBK',
  };
}

/** Message for a BadUtf8Error. */
export function badUtf8Reason(): { zh: string; en: string } {
  return {
    zh: '此处出现非 UTF-8 字节：文件开头是 UTF-8，后面却混有其他编码（如 GBK）。请整个文件另存为 UTF-8 或 GBK',
    en: 'a byte here is not UTF-8 although the file starts as UTF-8 (mixed encodings?); save the whole file as UTF-8 or GBK',
  };
}
