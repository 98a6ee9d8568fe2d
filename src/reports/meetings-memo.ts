/**
 * The meetings one chunk of branches read in the first pass of a streamed generation, kept packed
 * (typed arrays, ~40 bytes a meeting) for the second pass, so a period's meetings are read from the
 * store once instead of twice (the read is ~1 µs a row on SQLite, more on PostgreSQL: at 20,000
 * branches a year is 1.2 M rows). The memo holds at most `budget` meetings; chunks past it are read
 * again. Unpacking gives back the same MeetingInfo lists, in the same order, as the store gave.
 * A chunk is dropped from the memo when it is taken.
 */
import { MEETING_TYPES, type MeetingType } from '../domain/types.js';
import type { MeetingInfo } from './types.js';

/** A chunk's meetings, packed (typed arrays: can be transferred to another thread). */
export interface PackedMeetings {
  /** Org row ids, and where each org's meetings start in the columns (offsets[i]..offsets[i+1]). */
  orgs: number[];
  offsets: Uint32Array;
  id: Float64Array;
  heldAt: Float64Array;
  expected: Float64Array;
  attended: Float64Array;
  /** MEETING_TYPES index; minutes 0 no / 1 yes / 2 unknown; role 0 none / 1 secretary / 2 other. */
  type: Uint8Array;
  minutes: Uint8Array;
  role: Uint8Array;
}

const TYPE_INDEX = new Map<string, number>(MEETING_TYPES.map((t, k) => [t, k]));
const ROLES = [null, 'secretary', 'other'] as const;
/** The adapters' key order (JSON of the evidence keeps it); unpacking writes the keys in this order. */
const KEYS = 'id,type,heldAt,expected,attended,minutes,lecturerRole';

export class MeetingsMemo {
  private readonly chunks = new Map<number, PackedMeetings>();
  private used = 0;

  /** `key`: the period and range the meetings were read for (a memo serves only the same read). */
  constructor(
    readonly key: string,
    readonly budget = 3_000_000,
  ) {}

  /** Keep chunk `index`'s meetings when they fit in the budget and pack losslessly. */
  put(index: number, meetings: ReadonlyMap<number, readonly MeetingInfo[]>): void {
    let n = 0;
    for (const list of meetings.values()) n += list.length;
    if (this.used + n > this.budget) return;
    const packed = pack(meetings, n);
    if (!packed) return;
    this.used += n;
    this.chunks.set(index, packed);
  }

  /** Chunk `index`'s meetings still packed (for another thread: ./stream.ts), or undefined when not kept; forgotten once taken. */
  takePacked(index: number): PackedMeetings | undefined {
    const p = this.chunks.get(index);
    if (!p) return undefined;
    this.chunks.delete(index);
    this.used -= p.id.length;
    return p;
  }

  /** Chunk `index`'s meetings as the store gave them, or undefined when not kept; forgotten once taken. */
  take(index: number): Map<number, MeetingInfo[]> | undefined {
    const p = this.takePacked(index);
    return p && unpackMeetings(p);
  }
}

function pack(meetings: ReadonlyMap<number, readonly MeetingInfo[]>, n: number): PackedMeetings | undefined {
  const p: PackedMeetings = {
    orgs: [],
    offsets: new Uint32Array(meetings.size + 1),
    id: new Float64Array(n),
    heldAt: new Float64Array(n),
    expected: new Float64Array(n),
    attended: new Float64Array(n),
    type: new Uint8Array(n),
    minutes: new Uint8Array(n),
    role: new Uint8Array(n),
  };
  let i = 0;
  const first = meetings.values().next().value?.[0];
  if (first && Object.keys(first).join() !== KEYS) return undefined;
  for (const [org, list] of meetings) {
    p.offsets[p.orgs.length] = i;
    p.orgs.push(org);
    for (const m of list) {
      const id = Number(m.id);
      const type = TYPE_INDEX.get(m.type);
      // Only what unpacks to the very same values (ids are row ids: decimal integers).
      if (type === undefined || String(id) !== m.id) return undefined;
      p.id[i] = id;
      p.heldAt[i] = m.heldAt;
      p.expected[i] = m.expected;
      p.attended[i] = m.attended;
      p.type[i] = type;
      p.minutes[i] = m.minutes === null ? 2 : m.minutes ? 1 : 0;
      p.role[i] = m.lecturerRole === 'secretary' ? 1 : m.lecturerRole === 'other' ? 2 : 0;
      i++;
    }
  }
  p.offsets[p.orgs.length] = i;
  return p;
}

export function unpackMeetings(p: PackedMeetings): Map<number, MeetingInfo[]> {
  const out = new Map<number, MeetingInfo[]>();
  for (let o = 0; o < p.orgs.length; o++) {
    const list: MeetingInfo[] = [];
    for (let i = p.offsets[o]!; i < p.offsets[o + 1]!; i++) {
      const minutes = p.minutes[i]!;
      list.push({
        id: String(p.id[i]),
        type: MEETING_TYPES[p.type[i]!] as MeetingType,
        heldAt: p.heldAt[i]!,
        expected: p.expected[i]!,
        attended: p.attended[i]!,
        minutes: minutes === 2 ? null : minutes === 1,
        lecturerRole: ROLES[p.role[i]!]!,
      });
    }
    out.set(p.orgs[o]!, list);
  }
  return out;
}

/** The buffers of a packed chunk, to transfer it to another thread without copying. */
export function packedBuffers(p: PackedMeetings): ArrayBuffer[] {
  return [p.offsets, p.id, p.heldAt, p.expected, p.attended, p.type, p.minutes, p.role].map((a) => a.buffer as ArrayBuffer);
}
