/**
 * How check results read: one JSON object a line for machines, a Chinese table grouped by
 * committee and branch for people. Pure (data in, text out).
 */
import { shanghaiDateTime } from '../domain/calendar.js';
import { LEVEL_NAMES_ZH, LEVEL_RANK, LEVELS, RULE_NAMES_ZH, type Finding, type Level } from '../domain/types.js';
import { dueDate } from '../rules/index.js';
import type { BranchRow } from '../store/types/facts.js';
import { FINDING_STATE_NAMES_ZH, type FindingStateName } from '../alerts/finding-state.js';
import type { ShownFinding } from './alert-states.js';

/** One line of `check --json`: the finding with its organization's and committee's names. */
export interface FindingLine {
  org: string;
  orgName: string;
  committee: string | null;
  committeeName: string | null;
  rule: Finding['rule'];
  ruleName: string;
  level: Level;
  levelName: string;
  period: string;
  /** Last day to meet the obligation on time, 'YYYY-MM-DD' (Shanghai). */
  due: string;
  message: string;
  meetingIds?: string[];
  /** From the alert store (when check looked it up): new, open, escalated, acknowledged, history. */
  state?: FindingStateName;
  stateName?: string;
  /** e.g. "如仍未整改，将于2026-11-13转上级党委督办" or the rectification deadline. */
  note?: string | null;
  /** Date from which the delivered warning escalates if still open. */
  escalatesOn?: string | null;
  /** Rectification deadline (限期整改) of an acknowledged alert. */
  ackBy?: string | null;
  alertId?: number | null;
  /** Member id (member rules). */
  member?: string;
  /** Meeting record id (single-meeting checks). */
  meeting?: string;
}

/** The JSON-line form of a finding. */
export function findingLine(f: ShownFinding, branch: Pick<BranchRow, 'name' | 'parent'>, committeeName: string | null): FindingLine {
  const line: FindingLine = {
    org: f.org,
    orgName: branch.name,
    committee: branch.parent,
    committeeName,
    rule: f.rule,
    ruleName: RULE_NAMES_ZH[f.rule],
    level: f.level,
    levelName: LEVEL_NAMES_ZH[f.level],
    period: f.period,
    due: dueDate(f),
    message: f.message,
  };
  if (f.meetingIds) line.meetingIds = f.meetingIds;
  if (f.shown) {
    const s = f.shown;
    Object.assign(line, { state: s.state, stateName: FINDING_STATE_NAMES_ZH[s.state], note: s.note, escalatesOn: s.escalatesOn, ackBy: s.ackBy, alertId: s.alertId });
  }
  if (f.member !== undefined) line.member = f.member;
  if (f.meeting !== undefined) line.meeting = f.meeting;
  return line;
}

const RULE_JSON = new Map(Object.entries(RULE_NAMES_ZH).map(([id, name]) => [id, `"rule":${JSON.stringify(id)},"ruleName":${JSON.stringify(name)},`]));
const LEVEL_JSON = new Map(LEVELS.map((l) => [l, `"level":"${l}","levelName":${JSON.stringify(LEVEL_NAMES_ZH[l])},`]));

/** The state fields' JSON of states without an alert, dates or deadline, by state and note (findingState shares notes). */
const BARE_STATE_JSON = new Map<string, Map<string | null, string>>();

/** `,"state":…,"alertId":…` of a finding's state. */
function stateJson(s: NonNullable<ShownFinding['shown']>): string {
  const bare = s.escalatesOn === null && s.ackBy === null && s.alertId === null;
  let byNote = bare ? BARE_STATE_JSON.get(s.state) : undefined;
  const hit = byNote?.get(s.note);
  if (hit !== undefined) return hit;
  const text = `,"state":"${s.state}","stateName":${JSON.stringify(FINDING_STATE_NAMES_ZH[s.state])},"note":${JSON.stringify(s.note)},"escalatesOn":${JSON.stringify(s.escalatesOn)},"ackBy":${JSON.stringify(s.ackBy)},"alertId":${JSON.stringify(s.alertId)}`;
  if (bare) {
    if (!byNote) BARE_STATE_JSON.set(s.state, (byNote = new Map()));
    if (byNote.size < 1000) byNote.set(s.note, text);
  }
  return text;
}

/**
 * The JSON text of every finding of one branch, a line each: the same bytes as
 * JSON.stringify(findingLine(…)) per finding, built from pieces shared by the branch, the rule and
 * the level (printing a big city spends most of its time here otherwise).
 */
export function findingJsonLines(findings: readonly ShownFinding[], branch: Pick<BranchRow, 'name' | 'parent'>, committeeName: string | null): string {
  if (!findings.length) return '';
  const org = `"orgName":${JSON.stringify(branch.name)},"committee":${JSON.stringify(branch.parent)},"committeeName":${JSON.stringify(committeeName)},`;
  let out = '';
  for (const f of findings) {
    out += `{"org":${JSON.stringify(f.org)},${org}${RULE_JSON.get(f.rule)}${LEVEL_JSON.get(f.level)}"period":${JSON.stringify(f.period)},"due":"${dueDate(f)}","message":${JSON.stringify(f.message)}`;
    if (f.meetingIds) out += `,"meetingIds":${JSON.stringify(f.meetingIds)}`;
    if (f.shown) out += stateJson(f.shown);
    if (f.member !== undefined) out += `,"member":${JSON.stringify(f.member)}`;
    if (f.meeting !== undefined) out += `,"meeting":${JSON.stringify(f.meeting)}`;
    out += '}\n';
  }
  return out;
}

/** A branch with findings, as the text report lists it. */
export interface BranchReportLines {
  code: string;
  name: string;
  committee: string | null;
  committeeName: string | null;
  findings: ShownFinding[];
}

/** Display width in a terminal: CJK and full-width characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/** "共 N 个支部存在问题：提醒 a 条，预警 b 条，督办 c 条" (or that all is well). */
export function summaryLine(branchesWithFindings: number, branches: number, byLevel: Record<Level, number>): string {
  if (branchesWithFindings === 0) return `共检查 ${branches} 个支部，均未发现问题。`;
  const counts = LEVELS.map((l) => `${LEVEL_NAMES_ZH[l]} ${byLevel[l]} 条`).join('，');
  return `共 ${branchesWithFindings} 个支部存在问题：${counts}（共检查 ${branches} 个支部）`;
}

/** The first lines of the human report. */
export function checkHeading(now: number): string {
  return `组织生活检查结果（截至 ${shanghaiDateTime(now)}，北京时间）\n\n`;
}

/**
 * Fixed column widths (level, rule, period, due), so that reports printed committee by committee
 * line up with each other without knowing what comes next.
 */
const WIDTHS = [
  Math.max(...LEVELS.map((l) => displayWidth(LEVEL_NAMES_ZH[l])), ...Object.values(FINDING_STATE_NAMES_ZH).map(displayWidth)),
  Math.max(...Object.values(RULE_NAMES_ZH).map(displayWidth)),
  displayWidth('2026-12-31'),
  displayWidth('截止 2026-12-31'),
];

/**
 * One committee's part of the human report: its heading, then each lagging branch (by code) with a
 * table of its findings, most severe first. `byLevel` is incremented with the findings shown.
 */
export function renderCommittee(
  code: string | null,
  name: string | null,
  branches: readonly BranchReportLines[],
  byLevel: Record<Level, number>,
): string {
  const out = [`【${name ?? '（无上级党委）'}】${code ? `（${code}）` : ''}`];
  for (const b of [...branches].sort((x, y) => x.code.localeCompare(y.code))) {
    out.push(`  ${b.name}（${b.code}）`);
    const findings = [...b.findings].sort((x, y) => LEVEL_RANK[y.level] - LEVEL_RANK[x.level]);
    for (const f of findings) {
      byLevel[f.level]++;
      const cells = [f.shown?.label ?? LEVEL_NAMES_ZH[f.level], RULE_NAMES_ZH[f.rule], f.period, `截止 ${dueDate(f)}`];
      const note = f.shown?.note ? `（${f.shown.note}）` : '';
      out.push(`    ${cells.map((c, i) => pad(c, WIDTHS[i]!)).join('  ')}  ${f.message}${note}`);
    }
  }
  return out.join('\n') + '\n';
}

/**
 * The whole human report at once: heading, committees (by code) with their lagging branches, then
 * the summary line. (`orglife check` prints the same, committee by committee.)
 */
export function renderCheckText(branches: BranchReportLines[], totalBranches: number, now: number): string {
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  const committees = new Map<string | null, BranchReportLines[]>();
  for (const b of branches) committees.set(b.committee, [...(committees.get(b.committee) ?? []), b]);
  let out = checkHeading(now);
  for (const code of [...committees.keys()].sort((a, b) => (a ?? '').localeCompare(b ?? ''))) {
    const list = committees.get(code)!;
    out += renderCommittee(code, list[0]!.committeeName, list, byLevel);
  }
  if (branches.length) out += '\n';
  return out + summaryLine(branches.length, totalBranches, byLevel) + '\n';
}
