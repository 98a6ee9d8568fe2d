/**
 * The go-live backlog summary: on the first cycle after alerts.start_from, the lapses that ended
 * before go-live (history: never sent to branches or committees) are counted and the admins
 * (alerts.admins) get ONE message about them, instead of every committee getting a flood of
 * escalations about things nobody was ever warned of. Counting and composing are pure; the plan is
 * written through the same digest/delivery log as warnings, under a key that makes it once-only.
 */
import type { Config } from '../config/schema.js';
import { shanghaiDate } from '../domain/calendar.js';
import { RULE_NAMES_ZH, type Finding, type RuleId } from '../domain/types.js';
import type { ChannelName, LogicalChannel, OutgoingMessage } from '../notifiers/types.js';
import type { DigestModel } from './digest-model.js';
import { goLive, isHistory } from './go-live.js';
import { chooseSends, deliveryKey, type PlannedDigest, type PlanPolicy } from './plan.js';
import type { DigestPlan } from '../store/types/deliveries.js';

export type { BacklogModel } from '../domain/digest.js';
import type { BacklogModel } from '../domain/digest.js';

/** Accumulates history findings chunk by chunk (bounded: counts only). */
export class BacklogCounter {
  readonly #startFrom: number | null;
  #findings = 0;
  readonly #branches = new Set<string>();
  readonly #byRule = new Map<string, number>();
  readonly #byCommittee = new Map<string | null, { findings: number; branches: Set<string> }>();
  constructor(config: Pick<Config, 'alerts'>) {
    this.#startFrom = goLive(config);
  }
  /** Count the history findings of one branch (with its parent committee code). */
  add(branch: { code: string; parent: string | null }, findings: readonly Finding[]): void {
    if (this.#startFrom === null) return;
    for (const f of findings) {
      if (!isHistory(f, this.#startFrom)) continue;
      this.#findings++;
      this.#branches.add(branch.code);
      this.#byRule.set(f.rule, (this.#byRule.get(f.rule) ?? 0) + 1);
      let c = this.#byCommittee.get(branch.parent);
      if (!c) this.#byCommittee.set(branch.parent, (c = { findings: 0, branches: new Set() }));
      c.findings++;
      c.branches.add(branch.code);
    }
  }
  get findings(): number {
    return this.#findings;
  }
  /** The model, with committee names looked up by `nameOf`. */
  model(startFrom: string, nameOf: (code: string | null) => string | null): BacklogModel {
    return {
      startFrom,
      findings: this.#findings,
      branches: this.#branches.size,
      byRule: Object.fromEntries(this.#byRule),
      byCommittee: [...this.#byCommittee]
        .map(([code, c]) => ({ code, name: nameOf(code), findings: c.findings, branches: c.branches.size }))
        .sort((a, b) => b.findings - a.findings || (a.code ?? '').localeCompare(b.code ?? '')),
    };
  }
}

/** Whether this cycle should send the backlog summary (go-live set and reached, something to say, admins known). */
export function backlogDue(config: Pick<Config, 'alerts'>, counter: BacklogCounter, now: number): boolean {
  const start = goLive(config);
  return start !== null && now >= start && counter.findings > 0 && config.alerts.admins.length > 0;
}

/** The admins' phones as the summary's sends name them (for the day's SMS counts). */
export function backlogPhones(config: Pick<Config, 'alerts'>): string[] {
  return config.alerts.admins.flatMap((a) => (a.phone?.trim() ? [a.phone.trim()] : []));
}

/**
 * The digests and sends of the summary, one per admin, keyed by go-live date and address: planning
 * it again (every later cycle) writes nothing new, so each admin gets it once.
 */
export function planBacklog(
  config: Pick<Config, 'alerts'>,
  backlog: BacklogModel,
  policy: PlanPolicy,
  now: number,
  sms: { cap: number; today: ReadonlyMap<string, number> },
): DigestPlan[] {
  const plans: DigestPlan[] = [];
  for (const admin of config.alerts.admins) {
    const email = admin.email?.trim().toLowerCase() || null;
    const phone = admin.phone?.trim() || null;
    const route: LogicalChannel[] = [];
    if (email && policy.available.has('email')) route.push('email');
    if (phone && policy.available.has(policy.smsChannel)) route.push('sms');
    if (!route.length) continue;
    const recipientKey = `backlog:${backlog.startFrom}:${email ?? phone}`;
    const model: DigestModel = { recipientName: admin.name, robot: false, at: now, own: [], committees: [], emailCopy: false, backlog };
    const digest: PlannedDigest = {
      key: deliveryKey(recipientKey, '*', []),
      recipientKey,
      recipientName: admin.name,
      contacts: { phone, email, robot: null },
      route,
      level: 'warning',
      model,
      items: [],
    };
    // The daily SMS cap holds for admins too: at the cap the email carries the summary alone.
    const { sends } = chooseSends(digest, policy.smsChannel, phone ? (sms.today.get(phone) ?? 0) : 0, sms.cap);
    plans.push({ digest, sends, keys: sends.map((s) => deliveryKey(recipientKey, s.channel, [])) });
  }
  return plans;
}

/** The summary as a message on one channel (email: text + HTML; SMS: a pointer). */
export function composeBacklog(m: DigestModel, logical: LogicalChannel, to: string, escape: (s: string) => string): OutgoingMessage {
  const b = m.backlog!;
  const subject = `【组织生活预警】系统上线前历史问题汇总：${b.branches}个支部共${b.findings}项（不向支部和上级党委发送）`;
  const rules = Object.entries(b.byRule)
    .sort(([, x], [, y]) => y - x)
    .map(([rule, n]) => `${RULE_NAMES_ZH[rule as RuleId] ?? rule} ${n}项`);
  const committees = b.byCommittee.map((c) => `${c.name ?? '（无上级党委）'}${c.code ? `（${c.code}）` : ''}：${c.branches}个支部 ${c.findings}项`);
  const intro =
    `系统自${b.startFrom}起正式发送预警。截至${shanghaiDate(m.at)}，以下问题发生在上线之前（相应期间已于上线前结束），` +
    '系统不会就此向支部书记、党务干部或上级党委发送提醒和督办，仅在检查结果（orglife check）和体检报告中列为“上线前”供查看。';
  const text = [`${m.recipientName ?? ''}同志：`, '', intro, '', '按事项：', ...rules.map((r) => `  ${r}`), '', '按党委：', ...committees.map((c) => `  ${c}`), '', '本消息由组织生活工作预警系统自动发送，请勿直接回复。'].join('\n');
  if (logical === 'sms') {
    return { to, subject, text: `【组织生活预警】上线前历史问题${b.findings}项（${b.branches}个支部），不发送预警，详见邮件或系统检查结果。`, sms: { template: 'warning', params: { name: '上线前历史问题', count: String(b.findings), level: '汇总', deadline: b.startFrom } } };
  }
  const li = (xs: string[]) => `<ul>${xs.map((x) => `<li>${escape(x)}</li>`).join('')}</ul>`;
  const html = `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(subject)}</title></head><body><p>${escape(`${m.recipientName ?? ''}同志：`)}</p><p>${escape(intro)}</p><h3>按事项</h3>${li(rules)}<h3>按党委</h3>${li(committees)}</body></html>`;
  return { to, subject, text, html };
}

export type { ChannelName };
