/**
 * A secretary's digest names absent members and probationary members due in ONE item per branch
 * and rule, not one item per member: a branch with twelve absent members gets one line listing
 * them (highest level first), so the message stays readable and the SMS stays a pointer.
 */
import { LEVEL_RANK, MEMBER_RULE_IDS, type RuleId } from '../domain/types.js';
import type { DigestItem } from './digest-model.js';

const MEMBER_RULES: ReadonlySet<RuleId> = new Set(MEMBER_RULE_IDS);
/** Members named in a combined item before "等N名". */
const MAX_NAMED = 10;

/** The short form of one member's message: "张三（6个月）" / "李四（2026-10-15届满）". */
function shortForm(item: DigestItem): string {
  if (item.rule === 'member-absence') {
    const m = /^党员(.+?)已连续(\d+)个月/.exec(item.message);
    if (m) return `${m[1]}（${m[2]}个月）`;
  } else {
    const m = /^预备党员(.+?)预备期(?:将于|已于)(\d{4}-\d{2}-\d{2})届满/.exec(item.message);
    if (m) return `${m[1]}（${m[2]}届满）`;
  }
  return item.message;
}

/** The combined message of several member items of one rule. */
function combinedMessage(rule: RuleId, items: readonly DigestItem[]): string {
  const named = items.slice(0, MAX_NAMED).map(shortForm).join('、');
  const more = items.length > MAX_NAMED ? `等${items.length}名` : `共${items.length}名`;
  if (rule === 'member-absence') {
    return `${more}党员长期未参加党的组织生活：${named}。党章第九条规定，党员无正当理由连续六个月不参加党的组织生活，就被认为是自行脱党，请逐一谈心谈话、了解原因`;
  }
  return `${more}预备党员预备期即将或已经届满：${named}，请按期召开支部党员大会讨论其转正问题`;
}

/**
 * One branch's items with the member rules' items collapsed per rule (a single member's item is
 * kept as it is). The combined item takes the first item's identity and the highest level.
 */
export function collapseMemberItems(items: readonly DigestItem[]): DigestItem[] {
  const groups = new Map<RuleId, DigestItem[]>();
  for (const i of items) {
    if (!MEMBER_RULES.has(i.rule)) continue;
    const g = groups.get(i.rule);
    if (g) g.push(i);
    else groups.set(i.rule, [i]);
  }
  if (![...groups.values()].some((g) => g.length > 1)) return [...items];
  const out: DigestItem[] = [];
  const done = new Set<RuleId>();
  for (const i of items) {
    const g = MEMBER_RULES.has(i.rule) ? groups.get(i.rule)! : undefined;
    if (!g || g.length === 1) {
      out.push(i);
      continue;
    }
    if (done.has(i.rule)) continue;
    done.add(i.rule);
    const sorted = [...g].sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.eventId - b.eventId);
    const top = sorted[0]!;
    out.push({
      ...top,
      dueAt: Math.min(...g.map((x) => x.dueAt)),
      message: combinedMessage(i.rule, sorted),
      members: g.length,
    });
  }
  return out;
}
