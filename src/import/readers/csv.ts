/** CSV reader: text chunks (checked UTF-8 or decoded GBK) through the streaming CsvParser into the sink. */
import { StringDecoder } from 'node:string_decoder';
import type { TextEncoding } from '../types.js';
import { CsvParser, CsvSyntaxError } from './csv-parser.js';
import type { ByteTap, RowSink } from './sink.js';
import { BadGbkError, badGbkReason, BadUtf8Error, badUtf8Reason, lineAtOffset, textChunks } from './text.js';

/** Stream a CSV file into the sink; `line` is the physical line a record starts on. */
export async function readCsv(path: string, encoding: TextEncoding, sink: RowSink, tap: ByteTap): Promise<void> {
  const parser = new CsvParser((fields, line) => {
    if (!sink.done) sink.row(fields, line);
  });
  const utf8 = new StringDecoder('utf8');
  try {
    for await (const chunk of textChunks(path, encoding, tap, () => sink.done)) {
      parser.write(typeof chunk === 'string' ? chunk : utf8.write(chunk));
      if (sink.done) return;
      await sink.drain?.();
    }
    parser.write(utf8.end());
    parser.end();
  } catch (e) {
    if (sink.done) return; // only the header was wanted
    if (e instanceof BadUtf8Error) {
      const r = badUtf8Reason();
      sink.malformed(lineAtOffset(path, e.offset), r.zh, r.en);
    } else if (e instanceof BadGbkError) {
      const r = badGbkReason();
      sink.malformed(e.line, r.zh, r.en);
    } else if (e instanceof CsvSyntaxError) {
      sink.malformed(e.line, `CSV 格式错误：${e.zh}`, `malformed CSV: ${e.en}`);
    } else {
      throw e;
    }
  }
}
