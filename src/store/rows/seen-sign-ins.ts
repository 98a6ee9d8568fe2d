/**
 * Every (meeting, member) sign-in an import command wrote or found unchanged, with the file and line
 * that gave it first, so a later row of the same sign-in with other content is a conflict naming that
 * row. Compact because a command can carry tens of millions of sign-ins (a 20,000-branch city has
 * ~32–40 M). One record per run of a meeting's rows (sorted by member row) in chunked Int32Array
 * pools; a meeting given again later adds a record, chained from its newest. A record is usually
 * narrow: one shared file, a base member row and line, then one int32 per entry (member − base and
 * line − base, 16 bits each), ~4 bytes a sign-in; otherwise wide: member, line and file per entry.
 * The newest record of each meeting is found by meeting row id in chunked Uint32Arrays (rows are
 * dense), not a Map entry each. (The earlier layout, 10 bytes an entry, a segment table grown by
 * doubling and a Map by meeting, held ~500 MiB of the 20,000-branch members import's 1.28 GiB.)
 */
const CHUNK = 1 << 20;
/** Meetings per chunk of the head index. */
const HEAD_CHUNK = 1 << 16;
/** Meeting row ids from here are indexed by a Map (never in practice: rows are dense from 1). */
const HEAD_DENSE_LIMIT = 2 ** 31;
const NONE = 0xffffffff;
const NARROW = 0xffff;

/** Record header: length, previous record of the meeting (+1; 0 none), file | wide flag, base member, base line. */
const HEADER = 5;
const WIDE = 1;

export class SeenSignIns {
  private readonly pool: Int32Array[] = [];
  /** Next free word in the last chunk. */
  private used = CHUNK;
  /** Newest record of each meeting + 1 (0: none), by meeting row id. */
  private readonly head: (Uint32Array | undefined)[] = [];
  private readonly headFar = new Map<number, number>();

  /** The file and line that first gave this sign-in in the command, or undefined. */
  get(meetingRow: number, memberRow: number): { file: number; line: number } | undefined {
    for (let ref = this.headOf(meetingRow); ref !== NONE; ) {
      const c = this.pool[Math.floor(ref / CHUNK)]!;
      const at = ref % CHUNK;
      const len = c[at]!;
      const flags = c[at + 2]!;
      const from = at + HEADER;
      if (flags & WIDE) {
        let lo = 0;
        let hi = len - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const m = c[from + 3 * mid]!;
          if (m === memberRow) return { file: c[from + 3 * mid + 2]!, line: c[from + 3 * mid + 1]! };
          if (m < memberRow) lo = mid + 1;
          else hi = mid - 1;
        }
      } else {
        const want = memberRow - c[at + 3]!;
        if (want >= 0 && want <= NARROW) {
          let lo = 0;
          let hi = len - 1;
          while (lo <= hi) {
            const mid = (lo + hi) >> 1;
            const v = c[from + mid]!;
            const m = v & NARROW;
            if (m === want) return { file: flags >>> 16, line: c[at + 4]! + (v >>> 16) };
            if (m < want) lo = mid + 1;
            else hi = mid - 1;
          }
        }
      }
      const prev = c[at + 1]! >>> 0;
      ref = prev === 0 ? NONE : prev - 1;
    }
    return undefined;
  }

  /** Add a meeting's sign-ins (members not already seen for it), in any order. */
  add(meetingRow: number, entries: readonly (readonly [member: number, file: number, line: number])[]): void {
    const n = entries.length;
    if (!n) return;
    const sorted = [...entries].sort((a, b) => a[0] - b[0]);
    const file = sorted[0]![1];
    let lineMin = sorted[0]![2];
    let lineMax = lineMin;
    let sameFile = file >= 0 && file <= NARROW;
    for (const [, f, line] of sorted) {
      if (f !== file) sameFile = false;
      if (line < lineMin) lineMin = line;
      if (line > lineMax) lineMax = line;
    }
    const base = sorted[0]![0];
    const narrow = sameFile && sorted[n - 1]![0] - base <= NARROW && lineMax - lineMin <= NARROW && lineMin >= 0;
    const size = HEADER + (narrow ? n : 3 * n);
    const ref = this.reserve(size);
    const c = this.pool[Math.floor(ref / CHUNK)]!;
    const at = ref % CHUNK;
    const prev = this.headOf(meetingRow);
    c[at] = n;
    c[at + 1] = prev === NONE ? 0 : prev + 1;
    c[at + 2] = narrow ? file << 16 : WIDE;
    c[at + 3] = base;
    c[at + 4] = lineMin;
    const from = at + HEADER;
    if (narrow) {
      for (let i = 0; i < n; i++) c[from + i] = (sorted[i]![0] - base) | ((sorted[i]![2] - lineMin) << 16);
    } else {
      for (let i = 0; i < n; i++) {
        const [member, f, line] = sorted[i]!;
        c[from + 3 * i] = member;
        c[from + 3 * i + 1] = line;
        c[from + 3 * i + 2] = f;
      }
    }
    this.setHead(meetingRow, ref);
  }

  /** Room for `size` words in one chunk (a record larger than a chunk gets a chunk of its own); its ref. */
  private reserve(size: number): number {
    if (this.used + size <= CHUNK) {
      const ref = (this.pool.length - 1) * CHUNK + this.used;
      this.used += size;
      return ref;
    }
    if (this.pool.length * CHUNK >= NONE - CHUNK) throw new Error('SeenSignIns: more sign-ins than one import command can track');
    this.pool.push(new Int32Array(Math.max(CHUNK, size)));
    // A record larger than a chunk has its chunk to itself: the next record starts a new one.
    this.used = size > CHUNK ? CHUNK : size;
    return (this.pool.length - 1) * CHUNK;
  }

  private headOf(meetingRow: number): number {
    if (meetingRow >= 0 && meetingRow < HEAD_DENSE_LIMIT) {
      const h = this.head[Math.floor(meetingRow / HEAD_CHUNK)];
      const v = h ? h[meetingRow % HEAD_CHUNK]! : 0;
      return v === 0 ? NONE : v - 1;
    }
    return this.headFar.get(meetingRow) ?? NONE;
  }

  private setHead(meetingRow: number, ref: number): void {
    if (meetingRow >= 0 && meetingRow < HEAD_DENSE_LIMIT) {
      const k = Math.floor(meetingRow / HEAD_CHUNK);
      let h = this.head[k];
      if (!h) this.head[k] = h = new Uint32Array(HEAD_CHUNK);
      h[meetingRow % HEAD_CHUNK] = ref + 1;
    } else this.headFar.set(meetingRow, ref);
  }
}
