/**
 * CSV reader: csv-parse, streaming, records handed to the sink synchronously with the physical
 * line where each record starts (a quoted field may span lines; blank lines are skipped but counted).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, Parser } from 'csv-parse';
import type { TextEncoding } from '../types.js';
import type { ByteTap, RowSink } from './sink.js';
import { BadUtf8Error, badUtf8Reason, lineAtOffset, textChunks } from './text.js';

/** A csv-parse Parser that gives each record straight to the sink instead of queueing it. */
class SinkParser extends Parser {
  private lastEnd = 0;
  private lastEmpty = 0;

  constructor(private readonly sink: RowSink) {
    super({ bom: true, relax_column_count: true, skip_empty_lines: true });
  }

  // csv-parse pushes every record synchronously from its parse loop, with `info` describing the
  // record just ended: handling it here avoids a queue and reads the right line numbers.
  override push(record: unknown): boolean {
    if (record === null) return super.push(null);
    const info = this.info;
    const start = this.lastEnd + 1 + (info.empty_lines - this.lastEmpty);
    this.lastEnd = info.lines;
    this.lastEmpty = info.empty_lines;
    if (!this.sink.done) this.sink.row(record as string[], start);
    return true;
  }
}

const QUOTE_REASONS: Record<string, [string, string]> = {
  CSV_QUOTE_NOT_CLOSED: ['引号未闭合（文件在引号字段中结束）', 'quote not closed before the end of the file'],
  CSV_INVALID_CLOSING_QUOTE: ['引号字段的结束引号后还有字符（字段内的引号应写成两个 ""）', 'characters after a closing quote (a quote inside a field must be doubled "")'],
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: ['引号字段的结束引号后还有字符', 'characters after a closing quote'],
  INVALID_OPENING_QUOTE: ['未加引号的字段中出现引号（含引号的字段须整体加引号，内部引号写成 ""）', 'a quote inside an unquoted field (quote the whole field and double inner quotes)'],
  CSV_MAX_RECORD_SIZE: ['记录过长', 'record too large'],
};

/** Stream a CSV file into the sink. Malformed input is reported through sink.malformed. */
export async function readCsv(path: string, encoding: TextEncoding, sink: RowSink, tap: ByteTap): Promise<void> {
  const parser = new SinkParser(sink);
  try {
    await pipeline(Readable.from(textChunks(path, encoding, tap, () => sink.done)), parser);
  } catch (e) {
    if (sink.done) return; // only the header was wanted; the cut-off rest may well look broken
    if (e instanceof BadUtf8Error) {
      const r = badUtf8Reason();
      sink.malformed(lineAtOffset(path, e.offset), r.zh, r.en);
    } else if (e instanceof CsvError) {
      const [zh, en] = QUOTE_REASONS[e.code] ?? ['CSV 格式错误', 'malformed CSV'];
      const line = typeof (e as { lines?: unknown }).lines === 'number' ? (e as unknown as { lines: number }).lines : parser.info.lines;
      sink.malformed(line, `CSV 格式错误：${zh}`, `malformed CSV: ${en} (${e.message})`);
    } else {
      throw e;
    }
  }
}
