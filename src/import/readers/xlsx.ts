/**
 * XLSX reader: exceljs's streaming WorkbookReader, the workbook's first tab only. Cells become plain values:
 * text, numbers, booleans; date cells become Shanghai wall-clock text ('2026-03-05' or
 * '2026-03-05T14:30:00', no offset) because Excel stores no time zone.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ByteTap, RowSink } from './sink.js';
import { inspectXlsxArchive } from './zip-limits.js';

/** An error of the sink's writes while reading (passed on as is). */
class SinkFailed extends Error {
  constructor(readonly inner: unknown) {
    super('sink failed');
  }
}

/** What the reader's style manager (exceljs's StylesXform) offers: made empty, then parsed from a stream. */
interface StyleManager {
  init(): void;
  parseStream(stream: Readable): Promise<unknown>;
}

/** Rows between two drains of the sink (a sheet has no chunks of its own). */
const DRAIN_ROWS = 5000;

/**
 * Reads of one file when exceljs loses its shared strings: the lost entry is a race in exceljs's
 * unzip iteration (exceljs issues #683, PR #2915), seen on a loaded machine, not a property of the file.
 */
const READ_ATTEMPTS = 4;

/** Stream the workbook's first tab of an XLSX file into the sink; `line` is the sheet's row number. */
export async function readXlsx(path: string, sink: RowSink, tap: ByteTap): Promise<void> {
  const { problem, firstSheetFile, hasSharedStrings, styles } = inspectXlsxArchive(path);
  if (problem) {
    sink.malformed(undefined, problem.zh, problem.en);
    return;
  }
  // Each byte of the file is tapped once (the tap hashes it), however many attempts read it.
  let tapped = 0;
  const onceTap = (at: number, chunk: Buffer) => {
    const end = at + chunk.length;
    if (end > tapped) tap(at >= tapped ? chunk : chunk.subarray(tapped - at));
    tapped = Math.max(tapped, end);
  };
  for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
    if ((await readOnce(path, sink, onceTap, firstSheetFile, hasSharedStrings, styles)) === 'read') return;
    // The loss follows a deferred worksheet's temp-file write (exceljs's zip keeps flowing meanwhile):
    // a file small enough is read whole instead, which does not stream the archive's entries.
    if (statSync(path).size <= WHOLE_READ_BYTES) return readWhole(path, sink, onceTap);
  }
  sink.malformed(undefined, LOST_STRINGS.zh, LOST_STRINGS.en);
}

/** Files up to this size are read whole (exceljs's non-streaming reader, the whole workbook in memory: some hundreds of MiB at this size) when a streaming read lost its shared strings. */
const WHOLE_READ_BYTES = 8 << 20;

/** The workbook's first tab through exceljs's non-streaming reader (the whole file in memory). */
async function readWhole(path: string, sink: RowSink, tap: (at: number, chunk: Buffer) => void): Promise<void> {
  const data = readFileSync(path);
  tap(0, data);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch (e) {
    const msg = String((e as Error).message).slice(0, 160);
    sink.malformed(undefined, `无法读取 XLSX 文件（文件损坏或不是 .xlsx）：${msg}`, `cannot read the XLSX file (corrupt or not .xlsx): ${msg}`);
    return;
  }
  // exceljs's `worksheets` are in the workbook's tab order (orderNo), not the order of their parts.
  const first = wb.worksheets[0];
  if (!first) return;
  let sinceDrain = 0;
  for (let r = 1; r <= first.rowCount && !sink.done; r++) {
    const row = first.getRow(r);
    if (!row.hasValues) continue;
    const values = row.values as unknown[];
    const cells = new Array<unknown>(Math.max(0, values.length - 1));
    for (let i = 1; i < values.length; i++) cells[i - 1] = cellValue(values[i]);
    sink.row(cells, r);
    if (++sinceDrain >= DRAIN_ROWS) {
      sinceDrain = 0;
      await sink.drain?.();
    }
  }
}

/** Why a file whose shared strings could not be read is refused (nothing of it is written). */
const LOST_STRINGS = {
  zh: `无法读取 XLSX 文件：未能完整读出共享字符串表（xl/sharedStrings.xml，已读取 ${READ_ATTEMPTS} 次），请重试，或另存为 CSV 后导入`,
  en: `cannot read the XLSX file: its shared strings (xl/sharedStrings.xml) were not read whole (${READ_ATTEMPTS} attempts); retry, or save it as CSV and import that`,
};

/** exceljs's value of a text cell whose shared string it does not have. */
function isUnresolvedString(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { sharedString?: unknown }).sharedString === 'number';
}

/**
 * One read of the file. 'lost-strings' when exceljs reached the first tab without the shared strings
 * the archive has (nothing was given to the sink then: the first tab's rows come after that check).
 */
async function readOnce(
  path: string,
  sink: RowSink,
  tap: (at: number, chunk: Buffer) => void,
  firstSheetFile: string | null,
  hasSharedStrings: boolean,
  styles: string | null,
): Promise<'read' | 'lost-strings'> {
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let at = 0;
  input.on('data', (chunk) => {
    tap(at, chunk as Buffer);
    at += chunk.length;
  });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  // exceljs yields a worksheet at once when the shared strings came before it in the archive, and
  // defers one that came before them to the end: with the parts stored as sheet1, sharedStrings,
  // sheet2 (exceljs's own writer does so, depending on timing) the second tab comes first. The
  // 'entry' event names each worksheet part just before it is yielded; the first tab's part is read
  // from the archive's workbook.xml (null when it does not say: then the first one yielded).
  let partOfNext: string | null = null;
  (reader as unknown as NodeJS.EventEmitter).on('entry', (e: { type: string; id?: string }) => {
    if (e.type === 'worksheet') partOfNext = String(e.id);
  });
  // exceljs 4.4 reads the sheet's name from xl/workbook.xml (reader.model.sheets) when it reaches a
  // worksheet, and throws "Cannot read properties of undefined (reading 'sheets')" when the archive
  // stores workbook.xml after the worksheet (exceljs's own writer may, depending on timing: exceljs
  // issue #3064), refusing a good file. Only the first sheet's rows matter here, not its name.
  const withModel = reader as unknown as { model?: { sheets?: unknown[] } };
  withModel.model ??= { sheets: [] };
  // Date cells are told from numbers by the styles exceljs holds when it parses the sheet: it parses a
  // worksheet stored before xl/styles.xml (exceljs's own writer may store it so, depending on timing)
  // with none, and every date came back as a serial number ("46086.6…: invalid timestamp"). The styles
  // part, read ahead from the archive, is parsed into the reader's own style manager first (its class
  // is the one the reader made); the part read again in the stream replaces it with the same.
  if (styles !== null) {
    const own = reader as unknown as { styles: StyleManager };
    const manager = new (own.styles.constructor as new () => StyleManager)();
    manager.init();
    try {
      await manager.parseStream(Readable.from([Buffer.from(styles, 'utf8')]));
      own.styles = manager;
    } catch {
      // Unreadable styles: the stream's own copy decides, as before.
    }
  }
  let sinceDrain = 0;
  let delivered = 0;
  try {
    for await (const sheet of reader) {
      if (firstSheetFile !== null && partOfNext !== firstSheetFile) continue; // another tab: its part is drained
      if (hasSharedStrings && (reader as unknown as { sharedStrings?: unknown[] }).sharedStrings === undefined) return 'lost-strings';
      for await (const row of sheet) {
        if (sink.done) break;
        const values = row.values as unknown[];
        // A text cell left as {sharedString: n}: exceljs lost (part of) the shared strings in this read.
        if (values.some(isUnresolvedString)) {
          if (delivered === 0) return 'lost-strings';
          sink.malformed(row.number, LOST_STRINGS.zh, LOST_STRINGS.en);
          return 'read';
        }
        delivered++;
        const cells = new Array<unknown>(Math.max(0, values.length - 1));
        for (let i = 1; i < values.length; i++) cells[i - 1] = cellValue(values[i]);
        sink.row(cells, row.number);
        if (++sinceDrain >= DRAIN_ROWS) {
          sinceDrain = 0;
          try {
            await sink.drain?.();
          } catch (e) {
            throw new SinkFailed(e);
          }
        }
      }
      break; // the first tab only
    }
  } catch (e) {
    if (e instanceof SinkFailed) throw e.inner; // the store's error, not the file's
    if (sink.done) return 'read';
    // exceljs may quote the document in its message: keep a short head of it.
    const msg = String((e as Error).message).slice(0, 160);
    sink.malformed(undefined, `无法读取 XLSX 文件（文件损坏或不是 .xlsx）：${msg}`, `cannot read the XLSX file (corrupt or not .xlsx): ${msg}`);
  } finally {
    input.destroy();
  }
  return 'read';
}

/** A cell as a plain value. */
export function cellValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') return v;
  if (v instanceof Date) return excelDateText(v);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
  if ('result' in o) return cellValue(o.result);
  if ('formula' in o || 'sharedFormula' in o) return null; // a formula without a cached result
  if ('text' in o) return cellValue(o.text);
  if ('error' in o) return String(o.error);
  return String(v);
}

/** Excel date cells carry wall-clock time as if UTC: print it without an offset (= Shanghai). */
function excelDateText(d: Date): string {
  const t = Math.round(d.getTime() / 1000) * 1000; // serial fractions round to a few ms off
  const iso = new Date(t).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
}
