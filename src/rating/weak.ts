/**
 * Weak and lax Party organizations (软弱涣散基层党组织): reason categories, the "四个一" measures
 * (a city leader in contact, a township leader responsible, a first secretary sent, a city
 * department paired), and the pure views the CLI, reports and API share: whether a designation's
 * measures are complete, counts per committee, and who gets the monthly reminder.
 */

export const WEAK_CATEGORIES = {
  leadership: '班子不健全、书记长期缺职或不胜任',
  org_life: '组织生活不经常、不规范',
  service: '凝聚服务群众能力弱',
  conflicts: '矛盾纠纷突出、信访问题集中',
  management: '村（居）务管理混乱',
  other: '其他',
} as const;
export type WeakCategory = keyof typeof WEAK_CATEGORIES;
export const WEAK_CATEGORY_IDS = Object.keys(WEAK_CATEGORIES) as WeakCategory[];

/** The "四个一" measures: each a named person or department. */
export const MEASURES = {
  cityLeader: '市级领导联系',
  townshipLeader: '镇（街）领导包抓',
  firstSecretary: '选派第一书记',
  pairedDepartment: '市直部门结对',
} as const;
export type MeasureKey = keyof typeof MEASURES;
export const MEASURE_KEYS = Object.keys(MEASURES) as MeasureKey[];

export const WEAK_ITEM_KINDS = { problem: '问题清单', cadre: '后备干部', note: '整顿进展' } as const;
export type WeakItemKind = keyof typeof WEAK_ITEM_KINDS;

export interface WeakItem {
  id: number;
  kind: WeakItemKind;
  text: string;
  resolution: string | null;
  resolvedOn: string | null;
  at: number;
}

export interface WeakDesignation {
  id: number;
  org: string;
  category: WeakCategory;
  reason: string | null;
  designatedOn: string;
  designatedBy: string;
  cityLeader: string | null;
  townshipLeader: string | null;
  townshipLeaderPhone: string | null;
  townshipLeaderEmail: string | null;
  firstSecretary: string | null;
  pairedDepartment: string | null;
  removedOn: string | null;
  removalNote: string | null;
  items: WeakItem[];
}

/** The category as Chinese, accepting the code or the Chinese words. */
export function parseWeakCategory(s: string): WeakCategory | null {
  const t = s.trim();
  if ((WEAK_CATEGORY_IDS as string[]).includes(t)) return t as WeakCategory;
  return WEAK_CATEGORY_IDS.find((k) => WEAK_CATEGORIES[k] === t || WEAK_CATEGORIES[k].startsWith(t)) ?? null;
}

/** Measures not yet named. */
export function missingMeasures(d: WeakDesignation): MeasureKey[] {
  return MEASURE_KEYS.filter((k) => !d[k]);
}

/** A designation's progress in numbers. */
export function weakProgress(d: WeakDesignation): { problems: number; resolved: number; cadres: number; notes: number } {
  const problems = d.items.filter((i) => i.kind === 'problem');
  return {
    problems: problems.length,
    resolved: problems.filter((i) => i.resolution !== null).length,
    cadres: d.items.filter((i) => i.kind === 'cadre').length,
    notes: d.items.filter((i) => i.kind === 'note').length,
  };
}

/** Counts per committee: designations open and removed, problems and resolved, reserve cadres. */
export interface WeakCommitteeCount {
  committee: string | null;
  open: number;
  removed: number;
  problems: number;
  resolved: number;
  cadres: number;
}

export function weakCountsByCommittee(designations: readonly WeakDesignation[], parentOf: (org: string) => string | null): WeakCommitteeCount[] {
  const by = new Map<string | null, WeakCommitteeCount>();
  for (const d of designations) {
    const c = parentOf(d.org);
    let t = by.get(c);
    if (!t) by.set(c, (t = { committee: c, open: 0, removed: 0, problems: 0, resolved: 0, cadres: 0 }));
    if (d.removedOn) t.removed++;
    else t.open++;
    const p = weakProgress(d);
    t.problems += p.problems;
    t.resolved += p.resolved;
    t.cadres += p.cadres;
  }
  return [...by.values()];
}

/** The Chinese text of the monthly reminder to the responsible township leader. */
export function weakReminderText(d: WeakDesignation, orgName: string, month: string): string {
  const p = weakProgress(d);
  const missing = missingMeasures(d).map((k) => MEASURES[k]);
  return (
    `${d.townshipLeader ?? '包抓领导'}同志：${orgName}（${d.org}）自 ${d.designatedOn} 被确定为软弱涣散基层党组织（${WEAK_CATEGORIES[d.category]}），` +
    `目前仍在整顿中（${month}）。问题清单 ${p.problems} 项，已解决 ${p.resolved} 项；培养后备干部 ${p.cadres} 名。` +
    (missing.length ? `“四个一”措施尚未落实：${missing.join('、')}。` : '') +
    '请督促按期完成整顿，整顿销号后请在系统中办理摘帽。'
  );
}

/** Branches designated weak on `day` (designated on or before it, not removed by then). */
export function weakOrgsOn(designations: readonly WeakDesignation[], day: string): Set<string> {
  return new Set(designations.filter((d) => d.designatedOn <= day && (d.removedOn === null || d.removedOn > day)).map((d) => d.org));
}

/** The monthly reminder as stored and sent to the branch's secretary, its committee and the township leader: subject, text and SMS params. */
export function weakReminderNotice(d: WeakDesignation, orgName: string, committeeName: string | null, month: string): { subject: string; text: string; smsParams: Record<string, string> } {
  const p = weakProgress(d);
  const missing = missingMeasures(d).map((k) => MEASURES[k]);
  const [y, m] = month.split('-');
  const subject = `【软弱涣散整顿提醒】${orgName} ${y}年${Number(m)}月`;
  const text =
    `${orgName}（${d.org}）党支部书记、${committeeName ?? '上级党组织'}${d.townshipLeader ? `、包抓领导${d.townshipLeader}同志` : ''}：` +
    `该支部自 ${d.designatedOn} 被确定为软弱涣散基层党组织（${WEAK_CATEGORIES[d.category]}），${y}年${Number(m)}月仍在整顿中。` +
    `问题清单 ${p.problems} 项，已解决 ${p.resolved} 项；培养后备干部 ${p.cadres} 名。` +
    (missing.length ? `“四个一”措施尚未落实：${missing.join('、')}。` : '“四个一”措施已全部落实。') +
    '请督促按期完成整顿，整顿销号后请在系统中办理摘帽。';
  return { subject, text, smsParams: { name: orgName, count: String(p.problems - p.resolved), level: '软弱涣散整顿', deadline: `${y}年${Number(m)}月` } };
}

/** One designation's line in a combined reminder: the branch, since when and why, its progress and missing measures. */
function weakSummaryLine(d: WeakDesignation, orgName: string): string {
  const p = weakProgress(d);
  const missing = missingMeasures(d).map((k) => MEASURES[k]);
  return (
    `${orgName}（${d.org}）：自 ${d.designatedOn} 被确定为软弱涣散基层党组织（${WEAK_CATEGORIES[d.category]}）；` +
    `问题清单 ${p.problems} 项，已解决 ${p.resolved} 项；培养后备干部 ${p.cadres} 名；` +
    (missing.length ? `“四个一”措施尚未落实：${missing.join('、')}。` : '“四个一”措施已全部落实。')
  );
}

/**
 * The ONE monthly message to a person reminded of several designations (a committee, or a township
 * leader responsible for several branches): subject, text listing every branch, and SMS params.
 * `addressee`: how the message opens, e.g. '城关镇党委、包抓领导刘镇长同志'.
 */
export function weakCombinedNotice(
  ds: readonly WeakDesignation[],
  nameOf: (org: string) => string,
  addressee: string,
  month: string,
): { subject: string; text: string; smsParams: Record<string, string> } {
  const [y, m] = month.split('-');
  const first = nameOf(ds[0]!.org);
  const subject = `【软弱涣散整顿提醒】${first}等${ds.length}个党组织 ${y}年${Number(m)}月`;
  const text =
    `${addressee}：${y}年${Number(m)}月仍在整顿中的软弱涣散基层党组织共 ${ds.length} 个：\n` +
    ds.map((d, i) => `${i + 1}. ${weakSummaryLine(d, nameOf(d.org))}`).join('\n') +
    '\n请督促按期完成整顿，整顿销号后请在系统中办理摘帽。';
  const open = ds.reduce((n, d) => {
    const p = weakProgress(d);
    return n + p.problems - p.resolved;
  }, 0);
  return { subject, text, smsParams: { name: `${first}等${ds.length}个`, count: String(open), level: '软弱涣散整顿', deadline: `${y}年${Number(m)}月` } };
}
