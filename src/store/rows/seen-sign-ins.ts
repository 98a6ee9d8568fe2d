/**
 * Every (meeting, member) sign-in an import command wrote or found unchanged, with the file and line
 * that gave it first, so a later row of the same sign-in with other content is a conflict naming that
 * row. Compact because a command can carry tens of millions of sign-ins (a 20,000-branch city has
 * ~32–40 M): ~10 bytes a sign-in in chunked typed arrays, not a Map entry each (which cost ~140 bytes
 * and made the import's memory grow past 1 GiB at a few million). One segment per run of a meeting's
 * rows (sorted by member row); a meeting given again later adds a segment, chained from its newest.
 */
const CHUNK = 1 << 20;

export class SeenSignIns {
  /** Pools of entries, in chunks of CHUNK: member row, line, file index. */
  private readonly members: Int32Array[] = [];
  private readonly lines: Int32Array[] = [];
  private readonly files: Uint16Array[] = [];
  private used = 0;
  /** Segments: start in the pools, length, previous segment of the same meeting (-1: none). */
  private segStart = new Float64Array(1024);
  private segLen = new Int32Array(1024);
  private segPrev = new Int32Array(1024);
  private segs = 0;
  /** Newest segment of each meeting (by meeting row id; -1 or absent: none). */
  private readonly head = new Map<number, number>();

  /** The file and line that first gave this sign-in in the command, or undefined. */
  get(meetingRow: number, memberRow: number): { file: number; line: number } | undefined {
    for (let s = this.head.get(meetingRow) ?? -1; s >= 0; s = this.segPrev[s]!) {
      let lo = 0;
      let hi = this.segLen[s]! - 1;
      const start = this.segStart[s]!;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const at = start + mid;
        const m = this.members[Math.floor(at / CHUNK)]![at % CHUNK]!;
        if (m === memberRow) return { file: this.files[Math.floor(at / CHUNK)]![at % CHUNK]!, line: this.lines[Math.floor(at / CHUNK)]![at % CHUNK]! };
        if (m < memberRow) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return undefined;
  }

  /** Add a meeting's sign-ins (members not already seen for it), in any order. */
  add(meetingRow: number, entries: readonly (readonly [member: number, file: number, line: number])[]): void {
    if (!entries.length) return;
    const sorted = [...entries].sort((a, b) => a[0] - b[0]);
    if (this.segs === this.segLen.length) this.growSegments();
    const s = this.segs++;
    this.segStart[s] = this.used;
    this.segLen[s] = sorted.length;
    this.segPrev[s] = this.head.get(meetingRow) ?? -1;
    this.head.set(meetingRow, s);
    for (const [member, file, line] of sorted) {
      const c = Math.floor(this.used / CHUNK);
      if (c === this.members.length) {
        this.members.push(new Int32Array(CHUNK));
        this.lines.push(new Int32Array(CHUNK));
        this.files.push(new Uint16Array(CHUNK));
      }
      const i = this.used % CHUNK;
      this.members[c]![i] = member;
      this.lines[c]![i] = line;
      this.files[c]![i] = file;
      this.used++;
    }
  }

  private growSegments(): void {
    const n = this.segLen.length * 2;
    const start = new Float64Array(n);
    start.set(this.segStart);
    const len = new Int32Array(n);
    len.set(this.segLen);
    const prev = new Int32Array(n);
    prev.set(this.segPrev);
    this.segStart = start;
    this.segLen = len;
    this.segPrev = prev;
  }
}
