/**
 * Text encoding of CSV/NDJSON files, one policy for every text input: decoded exactly or rejected,
 * naming the line. A UTF-8 BOM means UTF-8; otherwise a large leading sample that decodes as strict
 * UTF-8 means UTF-8; a sample that is mostly well-formed UTF-8 with a few bytes that are not (a UTF-8
 * file with one field pasted from a GBK source) is still UTF-8, so the strict checker rejects it at
 * the first bad line instead of the whole file being read as GBK mojibake; anything else is GBK
 * (what Excel writes on a Chinese desktop; decoded as GB18030, its superset), and a GBK byte sequence
 * that does not decode (a character cut at the end of the file, a stray 0x80/0xFF) is rejected too.
 */
import { isUtf8 } from 'node:buffer';
import type { TextEncoding } from './types.js';

/** Bytes read to decide the encoding. */
export const SAMPLE_BYTES = 4 << 20;

/** Decide the encoding from the file's first bytes; `complete` = the sample is the whole file. */
export function detectEncoding(sample: Buffer, complete: boolean): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8-bom';
  // A sample cut inside a multibyte character must not count against UTF-8.
  const end = complete ? sample.length : completeUtf8Prefix(sample);
  const head = sample.subarray(0, end);
  if (isUtf8(head)) return 'utf-8';
  const { valid, invalid } = utf8Sequences(head);
  // In GBK text, byte pairs only now and then happen to form a UTF-8 sequence (about one character
  // in seven); in UTF-8 text with a foreign field, nearly every non-ASCII byte does.
  return valid > invalid ? 'utf-8' : 'gbk';
}

/** Counts of well-formed multibyte UTF-8 sequences and of bytes that start none, in `buf`. */
export function utf8Sequences(buf: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < buf.length; ) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (need > 0 && i + need <= buf.length && isUtf8(buf.subarray(i, i + need))) {
      valid++;
      i += need;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

/** Length of the longest prefix that does not end inside a UTF-8 sequence. */
export function completeUtf8Prefix(buf: Uint8Array): number {
  const n = buf.length;
  // Look back at most 3 bytes for the lead byte of the last sequence.
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need <= n ? n : i;
  }
  return n;
}

/** Offset of the first byte that breaks UTF-8 in `buf` (which is known to be invalid somewhere). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const need = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (need === 0) return i;
    if (need > 1 && !isUtf8(buf.subarray(i, i + need))) return i;
    i += need;
  }
  return buf.length;
}

/** Checks a UTF-8 byte stream chunk by chunk, carrying a character split across chunks. */
export class Utf8Checker {
  private carry: Buffer | undefined;
  /** Absolute offset of the start of the next chunk. */
  private offset = 0;

  /** -1 if `chunk` continues valid UTF-8, else the absolute offset of the first bad byte. */
  check(chunk: Buffer): number {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const start = this.offset - (this.carry?.length ?? 0);
    this.offset += chunk.length;
    const end = completeUtf8Prefix(data);
    this.carry = end < data.length ? Buffer.from(data.subarray(end)) : undefined;
    if (isUtf8(data.subarray(0, end))) return -1;
    return start + firstInvalidUtf8(data.subarray(0, end));
  }

  /** At end of input: -1, or the offset of a character cut off by the end of the file. */
  end(): number {
    return this.carry ? this.offset - this.carry.length : -1;
  }
}
