/**
 * The packed sign-in format both adapters store (one `attendance` row per tracked meeting, see
 * sqlite/attendance.ts and the schemas' members.ts for why), and the packed participation months
 * of `members.months`. Pure: no driver, no SQL; base64 text so both stores and `orglife db copy`
 * carry it as plain text.
 *
 * - `entries`: int32 pairs (members.id, code), sorted by members.id, one pair per member of the
 *   meeting with a sign-in row. code = status (bits 0–1: 0 present, 1 excused, 2 absent)
 *   | method << 2 (bits 2–4: 0 none, 1 face, 2 qr, 3 manual, 4 remote) | stamp << 8 (the import
 *   file that last wrote the entry).
 * - `signed`: float64 per entry (signed_at, epoch ms; NaN = none), or null when none has one.
 */
import { ATTENDANCE_STATUSES, SIGN_IN_METHODS, type AttendanceStatus, type SignInMethod } from '../../domain/members.js';
import { SHANGHAI_OFFSET_MS } from '../../domain/calendar.js';
import type { SignIns } from '../types/members.js';

const STATUS_CODE: Record<AttendanceStatus, number> = { present: 0, excused: 1, absent: 2 };
const METHOD_CODE: Record<SignInMethod, number> = { face: 1, qr: 2, manual: 3, remote: 4 };

/** The low 8 bits of an entry code: status and method (what a re-import compares). */
export function entryCode(status: AttendanceStatus, method: SignInMethod | null): number {
  return STATUS_CODE[status] | ((method ? METHOD_CODE[method] : 0) << 2);
}

/** Status of an entry code. */
export function entryStatus(code: number): AttendanceStatus {
  return ATTENDANCE_STATUSES[code & 3] ?? 'absent';
}

/** Method of an entry code, or null. */
export function entryMethod(code: number): SignInMethod | null {
  const m = (code >> 2) & 7;
  return m ? (SIGN_IN_METHODS[m - 1] ?? null) : null;
}

/** Whether an entry code means "took part" (present or excused). */
export function tookPart(code: number): boolean {
  return (code & 3) <= 1;
}

/** A meeting's sign-ins, decoded. `signed` is null when no entry has a time. */
export interface PackedAttendance {
  members: Int32Array;
  codes: Int32Array;
  signed: Float64Array | null;
}

/** A view of a blob as int32 (copied when SQLite's buffer is not 4-byte aligned). */
export function int32s(buf: Buffer): Int32Array {
  if (buf.byteOffset % 4 === 0) return new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength >> 2);
  return new Int32Array(Uint8Array.from(buf).buffer);
}

function float64s(buf: Buffer): Float64Array {
  if (buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength >> 3);
  return new Float64Array(Uint8Array.from(buf).buffer);
}

/** Decode the packed columns (base64) of one attendance row. */
export function unpackAttendance(entries: string, signedText: string | null): PackedAttendance {
  const pairs = int32s(Buffer.from(entries, 'base64'));
  const signed = signedText ? Buffer.from(signedText, 'base64') : null;
  const n = pairs.length >> 1;
  const members = new Int32Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    members[i] = pairs[2 * i]!;
    codes[i] = pairs[2 * i + 1]!;
  }
  return { members, codes, signed: signed ? Float64Array.from(float64s(signed)) : null };
}

export function packEntries(members: ArrayLike<number>, codes: ArrayLike<number>, n: number): string {
  const pairs = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    pairs[2 * i] = members[i]!;
    pairs[2 * i + 1] = codes[i]!;
  }
  return Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength).toString('base64');
}

/** Shanghai month number (year·12 + month − 1) of an instant. */
export function monthOfInstant(t: number): number {
  const d = new Date(t + SHANGHAI_OFFSET_MS);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** Month numbers as little-endian uint16, base64 (month numbers of years up to 5461 fit). */
export function packMonths(months: readonly number[]): string {
  const b = Buffer.alloc(months.length * 2);
  months.forEach((m, i) => b.writeUInt16LE(m, i * 2));
  return b.toString('base64');
}

/** The month numbers of a `members.months` value, ascending. */
export function unpackMonths(text: string | null): Uint16Array {
  if (!text) return new Uint16Array(0);
  const buf = Buffer.from(text, 'base64');
  const out = new Uint16Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf[2 * i]! | (buf[2 * i + 1]! << 8);
  return out;
}

/** The packed columns of one attendance row as the port's SignIns (status and method split out). */
export function signInsOf(entries: string, signedText: string | null): SignIns {
  const a = unpackAttendance(entries, signedText);
  const n = a.members.length;
  const statuses = new Uint8Array(n);
  const methods = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    statuses[i] = Math.min(a.codes[i]! & 3, 2);
    methods[i] = (a.codes[i]! >> 2) & 7;
  }
  return { members: a.members, statuses, methods, signedAt: a.signed };
}

/** Member rows of an attendance row's entries who took part (present or excused), in entry order. */
export function tookPartIn(entries: string): number[] {
  const pairs = int32s(Buffer.from(entries, 'base64'));
  const out: number[] = [];
  for (let k = 0; k < pairs.length; k += 2) if (tookPart(pairs[k + 1]!)) out.push(pairs[k]!);
  return out;
}
