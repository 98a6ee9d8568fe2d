/** What a reader hands its rows to, and how it reports the bytes it reads. */

/** Receives a file's rows as they stream in. */
export interface RowSink {
  /** One CSV/XLSX row (the header row included), cells in column order; `line` as reported to users. */
  row(cells: unknown[], line: number): void;
  /** One NDJSON value. */
  object(value: unknown, line: number): void;
  /**
   * The file is malformed at `line` (or as a whole). For NDJSON the reader goes on with the next
   * line; other readers stop.
   */
  malformed(line: number | undefined, zh: string, en: string): void;
  /** Set when the sink wants no more rows (e.g. it only needed the header). */
  readonly done: boolean;
  /** Awaited between chunks of input: the sink writes what it has staged (back-pressure). */
  drain?(): Promise<void>;
}

/** Called with every raw chunk read from the file (hashing, progress). */
export type ByteTap = (chunk: Buffer) => void;
