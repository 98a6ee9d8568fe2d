/**
 * Granting and ending exemptions (豁免) through the store: validation with bilingual messages naming
 * the field, then the write. Used by `orglife exempt` and the API.
 */
import type { Config } from '../config/schema.js';
import { DAY_MS, parseDate, shanghaiDate } from '../domain/calendar.js';
import type { Exemption, NewExemption } from '../domain/exemptions.js';
import { RULE_IDS, RULE_NAMES_ZH, type RuleId } from '../domain/types.js';
import type { Store } from '../store/port.js';

/** A request that cannot be granted; the message names the field and is meant for people. */
export class ExemptionError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'ExemptionError';
  }
}

export interface ExemptionRequest {
  org: string;
  rule?: string | null;
  from: string;
  to: string;
  reason: string;
  approver: string;
}

const MAX_TEXT = 200;

function text(value: string | undefined, field: string, zh: string): string {
  const v = (value ?? '').trim();
  if (!v) throw new ExemptionError(`${field}：请填写${zh} / ${field} is required`, field);
  if (v.length > MAX_TEXT) throw new ExemptionError(`${field}：${zh}最多 ${MAX_TEXT} 个字 / ${field} is longer than ${MAX_TEXT} characters`, field);
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new ExemptionError(`${field}：${zh}含有控制字符 / ${field} contains control characters`, field);
  return v;
}

/** Validate a request against the config and the org tree; the exemption to write. */
export async function checkRequest(store: Store, config: Config, r: ExemptionRequest, by: string): Promise<NewExemption> {
  const org = (r.org ?? '').trim();
  if (!org) throw new ExemptionError('org：请填写组织编码 / org is required', 'org');
  if (!(await store.orgs.kindOf(org))) throw new ExemptionError(`org：未知的组织编码 "${org}" / unknown org code`, 'org', 404);
  let rule: RuleId | null = null;
  if (r.rule !== undefined && r.rule !== null && r.rule !== '') {
    if (!(RULE_IDS as readonly string[]).includes(r.rule)) {
      throw new ExemptionError(`rule：未知的规则 "${r.rule}"，可选：${RULE_IDS.join('、')} / unknown rule id`, 'rule');
    }
    rule = r.rule as RuleId;
  }
  const from = parseDate(r.from ?? '');
  if (from === null || !/^\d{4}-\d{2}-\d{2}$/.test(r.from)) throw new ExemptionError(`from：无效的日期 "${r.from ?? ''}"，应为 YYYY-MM-DD / from must be a date YYYY-MM-DD`, 'from');
  const to = parseDate(r.to ?? '');
  if (to === null || !/^\d{4}-\d{2}-\d{2}$/.test(r.to)) throw new ExemptionError(`to：无效的日期 "${r.to ?? ''}"，应为 YYYY-MM-DD / to must be a date YYYY-MM-DD`, 'to');
  if (to < from) throw new ExemptionError(`to：结束日期 ${r.to} 早于开始日期 ${r.from} / to is before from`, 'to');
  const days = Math.round((to - from) / DAY_MS) + 1;
  const max = config.exemptions.max_days;
  if (days > max) {
    throw new ExemptionError(
      `to：豁免期 ${days} 天，超过配置允许的最长 ${max} 天（exemptions.max_days）；到期后可再次申请 / the exemption is ${days} days, longer than exemptions.max_days (${max})`,
      'to',
    );
  }
  return {
    org,
    rule,
    startsOn: shanghaiDate(from),
    endsOn: shanghaiDate(to),
    reason: text(r.reason, 'reason', '豁免原因'),
    approver: text(r.approver, 'approver', '批准人'),
    createdBy: text(by, 'by', '操作人'),
  };
}

export async function grantExemption(store: Store, config: Config, r: ExemptionRequest, by: string, now: number): Promise<Exemption> {
  return store.exemptions.add(await checkRequest(store, config, r, by), now);
}

export async function endExemption(store: Store, id: number, by: string, note: string | null, now: number): Promise<Exemption> {
  const r = await store.exemptions.end(id, text(by, 'by', '操作人'), note === null ? null : text(note, 'note', '说明'), now);
  if (r === 'unknown') throw new ExemptionError(`id：没有编号为 ${id} 的豁免 / no exemption ${id}`, 'id', 404);
  if (r === 'ended') throw new ExemptionError(`id：豁免 ${id} 已提前结束 / exemption ${id} was ended already`, 'id', 409);
  return r;
}

/** What an exemption covers, in Chinese. */
export function scopeZh(e: Exemption): string {
  return e.rule === null ? '全部规则' : `${RULE_NAMES_ZH[e.rule] ?? e.rule}`;
}
