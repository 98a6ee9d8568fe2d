/** NDJSON reader: one JSON object a line, streamed; a line that is not JSON is reported and skipped. */
import { StringDecoder } from 'node:string_decoder';
import { nestedTooDeep, tooDeepReason } from '../depth.js';
import type { TextEncoding } from '../types.js';
import type { ByteTap, RowSink } from './sink.js';
import { BadGbkError, badGbkReason, BadUtf8Error, badUtf8Reason, lineAtOffset, textChunks } from './text.js';

/** Longest line accepted, so a binary file cannot make us buffer it whole. */
const MAX_LINE_CHARS = 16 << 20;

/** Stream an NDJSON file into the sink. */
export async function readNdjson(path: string, encoding: TextEncoding, sink: RowSink, tap: ByteTap): Promise<void> {
  const utf8 = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  const handle = (text: string): void => {
    line++;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      // V8's message quotes the input: keep it short.
      const msg = (e as Error).message.slice(0, 120);
      sink.malformed(line, `不是有效的 JSON：${msg}`, `invalid JSON: ${msg}`);
      return;
    }
    if (nestedTooDeep(value)) {
      const r = tooDeepReason();
      sink.malformed(line, r.zh, r.en);
      return;
    }
    sink.object(value, line);
  };
  try {
    for await (const chunk of textChunks(path, encoding, tap, () => sink.done)) {
      let text = pending + (typeof chunk === 'string' ? chunk : utf8.write(chunk));
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0 && !sink.done; nl = text.indexOf('\n', from)) {
        handle(text.slice(from, nl));
        from = nl + 1;
      }
      pending = text.slice(from);
      text = '';
      if (pending.length > MAX_LINE_CHARS) {
        sink.malformed(line + 1, '行过长（超过 16M 字符），不像 NDJSON 文件', 'line too long (over 16M characters); not NDJSON?');
        return;
      }
      if (sink.done) return;
      await sink.drain?.();
    }
    pending += utf8.end();
    if (pending !== '') handle(pending);
  } catch (e) {
    if (e instanceof BadGbkError) {
      const r = badGbkReason();
      sink.malformed(e.line, r.zh, r.en);
      return;
    }
    if (!(e instanceof BadUtf8Error)) throw e;
    const r = badUtf8Reason();
    sink.malformed(lineAtOffset(path, e.offset), r.zh, r.en);
  }
}
