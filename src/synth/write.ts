/**
 * Write a synthetic city to files in the interchange format: orgs.csv (committees first), meeting
 * records split into parts of `partRows` rows, and city.json describing what was written. Writes
 * branch by branch with synchronous buffered writes, so memory stays flat at any size.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LEVELS, type Level, type RuleId } from '../domain/types.js';
import { iterateCity, type ResolvedCityOptions } from './city.js';
import { countByLevel, expectedFindings, expectedMemberFindings } from './expected.js';
import type { BranchHealth, CityOptions, ExpectedFinding, MeetingRow, OrgRow } from './types.js';
import { ATTENDANCE_KEYS, MEMBER_KEYS, branchRoster, branchSignIns } from './members.js';

export const ORG_KEYS = [
  'code', 'name', 'kind', 'parent', 'domain', 'members', 'groups', 'secretary', 'secretary_phone', 'secretary_email',
  'clerk', 'clerk_phone', 'clerk_email', 'elected_on', 'term_years', 'established_on',
] as const satisfies readonly (keyof OrgRow)[];
export const MEETING_KEYS = [
  'id', 'org', 'type', 'held_at', 'expected', 'attended', 'minutes', 'lecturer_role', 'topic',
] as const satisfies readonly (keyof MeetingRow)[];

export interface WriteCityOptions extends CityOptions {
  /** Output folder (created); paths in the result are absolute. */
  out: string;
  format?: 'csv' | 'ndjson';
  /** Meeting rows per file (default 1,000,000). */
  partRows?: number;
  /** Also write rosters (members.csv) and sign-ins (attendance-NNNN.csv): off by default. */
  members?: boolean;
  /** Called after every branch written, for progress display. */
  onProgress?: (branchesDone: number, meetingsDone: number) => void;
}

/** What writeCityFiles wrote; also saved as city.json in the folder. */
export interface CityFilesInfo {
  dir: string;
  format: 'csv' | 'ndjson';
  options: Omit<ResolvedCityOptions, 'nowMs'>;
  orgsFile: string;
  meetingFiles: string[];
  /** With `members`: the roster file and the sign-in files. */
  memberFiles?: { roster: string; attendance: string[]; members: number; signIns: number };
  counts: { orgs: number; committees: number; branches: number; meetings: number };
  health: Record<BranchHealth, number>;
  /** Findings the default rules should report at `now`, by level and by rule. */
  expected: Record<Level, number>;
  expectedByRule: Partial<Record<RuleId, number>>;
}

const FLUSH_AT = 1 << 20;

/** Buffered synchronous writer to one file. */
class Sink {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size >= FLUSH_AT) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Generate the city and write it to `opts.out`. */
export function writeCityFiles(opts: WriteCityOptions): CityFilesInfo {
  const format = opts.format ?? 'csv';
  const partRows = opts.partRows ?? 1_000_000;
  const stream = iterateCity(opts);
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const orgsFile = join(out, `orgs.${format}`);
  const orgSink = new Sink(orgsFile);
  const line = format === 'csv' ? csvLine : ndjsonLine;
  if (format === 'csv') orgSink.write(ORG_KEYS.join(',') + '\n');
  const committees = stream.committees();
  for (const c of committees) orgSink.write(line(c, ORG_KEYS));

  const meetingFiles: string[] = [];
  let part: Sink | null = null;
  let inPart = 0;
  let meetings = 0;
  let branches = 0;
  const health: Record<BranchHealth, number> = { good: 0, occasional: 0, lax: 0 };
  const expected: Record<Level, number> = { reminder: 0, warning: 0, escalation: 0 };
  const expectedByRule: Partial<Record<RuleId, number>> = {};
  const roster = opts.members ? new Sink(join(out, `members.${format}`)) : null;
  if (roster && format === 'csv') roster.write(MEMBER_KEYS.join(',') + '\n');
  const attendanceFiles: string[] = [];
  let signSink: Sink | null = null;
  let inSignPart = 0;
  let memberCount = 0;
  let signIns = 0;
  for (const b of stream.branches()) {
    orgSink.write(line(b.org, ORG_KEYS));
    let memberFindings: ExpectedFinding[] = [];
    if (roster) {
      const rows = branchRoster(stream.options.seed, branches, b.org, stream.options.now);
      for (const r of rows) roster.write(line(r, MEMBER_KEYS));
      memberCount += rows.length;
      const signs = branchSignIns(rows, b.meetings);
      memberFindings = expectedMemberFindings(b.org.code, rows, signs, b.meetings, stream.options.nowMs);
      for (const a of signs) {
        if (!signSink || inSignPart >= partRows) {
          signSink?.close();
          const file = join(out, `attendance-${String(attendanceFiles.length + 1).padStart(4, '0')}.${format}`);
          attendanceFiles.push(file);
          signSink = new Sink(file);
          if (format === 'csv') signSink.write(ATTENDANCE_KEYS.join(',') + '\n');
          inSignPart = 0;
        }
        signSink.write(line(a, ATTENDANCE_KEYS));
        inSignPart++;
        signIns++;
      }
    }
    for (const m of b.meetings) {
      if (!part || inPart >= partRows) {
        part?.close();
        const file = join(out, `meetings-${String(meetingFiles.length + 1).padStart(4, '0')}.${format}`);
        meetingFiles.push(file);
        part = new Sink(file);
        if (format === 'csv') part.write(MEETING_KEYS.join(',') + '\n');
        inPart = 0;
      }
      part.write(line(m, MEETING_KEYS));
      inPart++;
    }
    meetings += b.meetings.length;
    branches++;
    health[b.manifest.health]++;
    const found = [...expectedFindings(b.manifest, stream.options.nowMs), ...memberFindings];
    const byLevel = countByLevel(found);
    for (const l of LEVELS) expected[l] += byLevel[l];
    for (const f of found) expectedByRule[f.rule] = (expectedByRule[f.rule] ?? 0) + 1;
    opts.onProgress?.(branches, meetings);
  }
  part?.close();
  orgSink.close();
  roster?.close();
  signSink?.close();

  const { nowMs: _nowMs, ...options } = stream.options;
  const info: CityFilesInfo = {
    dir: out, format, options, orgsFile, meetingFiles,
    counts: { orgs: committees.length + branches, committees: committees.length, branches, meetings },
    health, expected, expectedByRule,
    ...(roster ? { memberFiles: { roster: join(out, `members.${format}`), attendance: attendanceFiles, members: memberCount, signIns } } : {}),
  };
  // city.json is written last, via rename, so its presence means the folder is complete.
  const tmp = join(out, 'city.json.tmp');
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
  renameSync(tmp, join(out, 'city.json'));
  return info;
}

/** One CSV line. Generated values never hold commas, quotes or newlines; quote anyway if one does. */
function csvLine<T extends object>(row: T, keys: readonly (keyof T)[]): string {
  let s = '';
  for (let i = 0; i < keys.length; i++) {
    const v = row[keys[i]!];
    if (i) s += ',';
    if (v === null || v === undefined) continue;
    const text = String(v);
    s += /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }
  return s + '\n';
}

/** One NDJSON line with the English keys; empty values are null. */
function ndjsonLine<T extends object>(row: T, keys: readonly (keyof T)[]): string {
  const o: Record<string, unknown> = {};
  for (const k of keys) o[k as string] = row[k] ?? null;
  return JSON.stringify(o) + '\n';
}
