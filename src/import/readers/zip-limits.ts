/**
 * Bounded memory for XLSX: before exceljs unzips anything, the zip's central directory is read and
 * checked. exceljs keeps the whole shared-strings table in memory, and a small file can inflate to
 * gigabytes (a zip bomb), so an archive whose entries are too large, or compress too well to be a
 * real spreadsheet, is refused with a clear reason instead of driving the importer out of memory.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** Limits on the uncompressed entries of an XLSX archive. */
export const XLSX_LIMITS = {
  /** xl/sharedStrings.xml, held in memory whole by the reader. */
  sharedStringsBytes: 64 << 20,
  /** Any other entry (worksheets are streamed, but reading 1 GiB of XML is already minutes). */
  entryBytes: 2 ** 30,
  /** All entries together. */
  totalBytes: 2 * 2 ** 30,
  /** Uncompressed / compressed, for entries above ratioFromBytes: real sheets stay well under 100. */
  ratio: 200,
  ratioFromBytes: 64 << 20,
  entries: 10_000,
} as const;

export interface ZipProblem {
  zh: string;
  en: string;
}

const MiB = 1 << 20;

/** Check the archive at `path`; null when it is within the limits. */
export function checkXlsxArchive(path: string): ZipProblem | null {
  return inspectXlsxArchive(path).problem;
}

/** Where an entry's data is, as the central directory says. */
interface EntryPlace {
  localOffset: number;
  method: number;
  compressed: number;
  uncompressed: number;
}

/** The two small parts that say which worksheet is the workbook's first tab. */
const WORKBOOK_PARTS = ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels'] as const;
/** The shared strings part: whether the archive has one. */
const SHARED_STRINGS = 'xl/sharedStrings.xml';
/** The styles part: which number formats are dates (read ahead: see inspectXlsxArchive). */
const STYLES = 'xl/styles.xml';
/** The parts whose places the directory walk keeps. */
const KEPT_PARTS: ReadonlySet<string> = new Set([...WORKBOOK_PARTS, SHARED_STRINGS, STYLES]);

/**
 * Check the archive at `path` (see checkXlsxArchive) and, when it is sound, say which worksheet part
 * is the first tab of the workbook: `firstSheetFile` = N of xl/worksheets/sheetN.xml, from
 * xl/workbook.xml's first <sheet> and its relationship; null when the parts do not say. And whether
 * it has a shared strings part (the reader checks exceljs did not lose it). And the styles part's
 * text (≤ 4 MiB, else null): exceljs's streaming reader tells date cells from numbers by the styles it
 * has read so far, and an archive may store xl/styles.xml after the worksheets (exceljs's own writer
 * does, depending on timing), so the reader is given them before it starts.
 */
export function inspectXlsxArchive(path: string): { problem: ZipProblem | null; firstSheetFile: string | null; hasSharedStrings: boolean; styles: string | null } {
  const parts = new Map<string, EntryPlace>();
  const fd = openSync(path, 'r');
  try {
    const problem = walkDirectory(fd, parts);
    const hasSharedStrings = parts.has(SHARED_STRINGS);
    if (problem) return { problem, firstSheetFile: null, hasSharedStrings, styles: null };
    const styles = parts.has(STYLES) ? inflateSmall(fd, parts.get(STYLES)!) : null;
    return { problem: null, firstSheetFile: firstSheetOf(fd, parts), hasSharedStrings, styles };
  } finally {
    closeSync(fd);
  }
}

/** The first tab's worksheet part number, or null (a part missing, unreadable, or no sheet in it). */
function firstSheetOf(fd: number, parts: ReadonlyMap<string, EntryPlace>): string | null {
  const [book, rels] = WORKBOOK_PARTS.map((n) => (parts.has(n) ? inflateSmall(fd, parts.get(n)!) : null));
  if (!book || !rels) return null;
  const sheet = /<(?:\w+:)?sheet\b[^>]*>/.exec(book)?.[0];
  const rid = sheet && /\br:id="([^"]+)"/.exec(sheet)?.[1];
  if (!rid) return null;
  for (const rel of rels.match(/<(?:\w+:)?Relationship\b[^>]*>/g) ?? []) {
    if (/\bId="([^"]+)"/.exec(rel)?.[1] !== rid) continue;
    return /\bTarget="[^"]*worksheets\/sheet(\d+)\.xml"/.exec(rel)?.[1] ?? null;
  }
  return null;
}

/** Inflate a small part (≤ 4 MiB) as UTF-8, or null when it is larger, stored oddly or corrupt. */
function inflateSmall(fd: number, e: EntryPlace): string | null {
  if (e.uncompressed > 4 * MiB || (e.method !== 0 && e.method !== 8)) return null;
  try {
    const header = Buffer.alloc(30);
    readSync(fd, header, 0, 30, e.localOffset);
    if (header.readUInt32LE(0) !== 0x04034b50) return null;
    const data = Buffer.alloc(e.compressed);
    readSync(fd, data, 0, e.compressed, e.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28));
    return (e.method === 0 ? data : inflateRawSync(data, { maxOutputLength: 4 * MiB })).toString('utf8');
  } catch {
    return null;
  }
}

/** Walk the central directory, checking every entry; the places of KEPT_PARTS go into `parts`. */
function walkDirectory(fd: number, parts: Map<string, EntryPlace>): ZipProblem | null {
  const size = fstatSync(fd).size;
  // The end-of-central-directory record is within the last 64 KiB + 22 bytes.
  const tailLen = Math.min(size, 65_557);
  const tail = Buffer.alloc(tailLen);
  readSync(fd, tail, 0, tailLen, size - tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { zh: '无法读取 XLSX 文件（文件损坏或不是 .xlsx）：zip 目录缺失', en: 'cannot read the XLSX file (corrupt or not .xlsx): no zip directory' };
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff || dirSize === 0xffffffff) {
    return { zh: 'XLSX 文件过大（ZIP64 格式）', en: 'XLSX file too large (ZIP64 archive)' };
  }
  if (count > XLSX_LIMITS.entries) return { zh: `XLSX 文件包含的条目过多（${count} 个）`, en: `XLSX archive has too many entries (${count})` };
  if (dirOffset + dirSize > size) return { zh: '无法读取 XLSX 文件（文件损坏或不是 .xlsx）：zip 目录损坏', en: 'cannot read the XLSX file (corrupt or not .xlsx): corrupt zip directory' };
  const dir = Buffer.alloc(dirSize);
  readSync(fd, dir, 0, dirSize, dirOffset);
  let total = 0;
  for (let p = 0, n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50) {
      return { zh: '无法读取 XLSX 文件（文件损坏或不是 .xlsx）：zip 目录损坏', en: 'cannot read the XLSX file (corrupt or not .xlsx): corrupt zip directory' };
    }
    const compressed = dir.readUInt32LE(p + 20);
    const uncompressed = dir.readUInt32LE(p + 24);
    const nameLen = dir.readUInt16LE(p + 28);
    const extraLen = dir.readUInt16LE(p + 30);
    const commentLen = dir.readUInt16LE(p + 32);
    const method = dir.readUInt16LE(p + 10);
    const localOffset = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, Math.min(dir.length, p + 46 + Math.min(nameLen, 200)));
    p += 46 + nameLen + extraLen + commentLen;
    if (KEPT_PARTS.has(name)) parts.set(name, { localOffset, method, compressed, uncompressed });
    if (uncompressed === 0xffffffff || compressed === 0xffffffff) {
      return { zh: 'XLSX 文件过大（ZIP64 条目）', en: 'XLSX file too large (ZIP64 entry)' };
    }
    total += uncompressed;
    const limit = /sharedStrings\.xml$/i.test(name) ? XLSX_LIMITS.sharedStringsBytes : XLSX_LIMITS.entryBytes;
    if (uncompressed > limit) {
      return {
        zh: `XLSX 文件中的 ${name} 解压后过大（${Math.round(uncompressed / MiB)} MiB，上限 ${Math.round(limit / MiB)} MiB）：请拆分为多个文件或另存为 CSV`,
        en: `${name} inside the XLSX is too large uncompressed (${Math.round(uncompressed / MiB)} MiB, limit ${Math.round(limit / MiB)} MiB); split the file or save it as CSV`,
      };
    }
    // The directory's sizes are the archive's own claim: a crafted file can under-state them. The
    // shared strings are held in memory whole, so inflate that entry here, at most to its limit.
    if (limit === XLSX_LIMITS.sharedStringsBytes) {
      const lie = checkInflatedSize(fd, size, localOffset, method, compressed, uncompressed, limit, name);
      if (lie) return lie;
    }
    if (uncompressed > XLSX_LIMITS.ratioFromBytes && uncompressed > compressed * XLSX_LIMITS.ratio) {
      return {
        zh: `XLSX 文件中的 ${name} 压缩比异常（${Math.round(uncompressed / Math.max(1, compressed))}:1），疑似压缩炸弹，已拒绝`,
        en: `${name} inside the XLSX compresses ${Math.round(uncompressed / Math.max(1, compressed))}:1, like a zip bomb; refused`,
      };
    }
  }
  if (total > XLSX_LIMITS.totalBytes) {
    return { zh: `XLSX 文件解压后过大（${Math.round(total / MiB)} MiB）`, en: `XLSX file too large uncompressed (${Math.round(total / MiB)} MiB)` };
  }
  return null;
}

/**
 * Inflate one entry (bounded by `limit`) and compare with the size the directory states: an entry
 * that inflates past its limit, or to another size than stated, is refused.
 */
function checkInflatedSize(fd: number, size: number, localOffset: number, method: number, compressed: number, stated: number, limit: number, name: string): ZipProblem | null {
  const corrupt = { zh: `无法读取 XLSX 文件（文件损坏或不是 .xlsx）：${name} 条目损坏`, en: `cannot read the XLSX file (corrupt or not .xlsx): entry ${name} is corrupt` };
  if (localOffset + 30 > size) return corrupt;
  const header = Buffer.alloc(30);
  readSync(fd, header, 0, 30, localOffset);
  if (header.readUInt32LE(0) !== 0x04034b50) return corrupt;
  const dataOffset = localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataOffset + compressed > size) return corrupt;
  const data = Buffer.alloc(compressed);
  readSync(fd, data, 0, compressed, dataOffset);
  let actual: number;
  if (method === 0) actual = compressed;
  else if (method === 8) {
    try {
      actual = inflateRawSync(data, { maxOutputLength: limit + 1 }).length;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) actual = limit + 1;
      else return corrupt;
    }
  } else return { zh: `XLSX 文件中的 ${name} 使用了不支持的压缩方式（${method}）`, en: `${name} inside the XLSX uses an unsupported compression method (${method})` };
  if (actual > limit) {
    return {
      zh: `XLSX 文件中的 ${name} 解压后超过上限 ${Math.round(limit / MiB)} MiB（目录中声明的大小不实），疑似压缩炸弹，已拒绝`,
      en: `${name} inside the XLSX inflates past the ${Math.round(limit / MiB)} MiB limit (its stated size is false), like a zip bomb; refused`,
    };
  }
  if (actual !== stated) {
    return { zh: `无法读取 XLSX 文件（文件损坏）：${name} 的实际大小与目录不符`, en: `cannot read the XLSX file (corrupt): ${name} does not match its stated size` };
  }
  return null;
}
