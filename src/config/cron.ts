/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week, Asia/Shanghai), checked
 * here rather than by node-cron at daemon start: an out-of-range value such as `61 25 * * *` is a
 * config error with file:line (so `config check` refuses it and a reload with it is rejected), and an
 * expression that can never fire (`0 0 31 2 *`) is reported as a warning.
 */

const FIELDS = [
  { zh: '分钟', en: 'minute', min: 0, max: 59 },
  { zh: '小时', en: 'hour', min: 0, max: 23 },
  { zh: '日', en: 'day of month', min: 1, max: 31 },
  { zh: '月', en: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { zh: '星期', en: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

/** The values each field allows, or the first problem (bilingual). */
export function parseCron(expr: string): { sets: Set<number>[]; stars: boolean[] } | { problem: string } {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) {
    return { problem: `应为 5 段 cron 表达式（分 时 日 月 周），如 "30 8 * * *" / expected a 5-field cron expression such as "30 8 * * *"` };
  }
  const sets: Set<number>[] = [];
  const stars: boolean[] = [];
  for (const [i, part] of parts.entries()) {
    const f = FIELDS[i]!;
    const set = new Set<number>();
    stars.push(part === '*' || part === '*/1');
    for (const item of part!.split(',')) {
      const m = /^(\*|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:\/(\d+))?$/i.exec(item);
      const bad = (why: string) => ({ problem: `第 ${i + 1} 段（${f.zh}）"${item}" 无效：${why.split(' / ')[0]} / field ${i + 1} (${f.en}) "${item}" is invalid: ${why.split(' / ')[1]}` });
      if (!m) return bad('格式错误 / not a number, range or step');
      const value = (s: string): number | null => {
        const names = 'names' in f ? (f.names as readonly string[]) : [];
        const n = names.indexOf(s.toLowerCase());
        if (n >= 0) return i === 3 ? n + 1 : n;
        return /^\d+$/.test(s) ? Number(s) : null;
      };
      const lo = m[1] === '*' ? f.min : value(m[2]!);
      const hi = m[1] === '*' ? f.max : m[3] !== undefined ? value(m[3]) : lo;
      const step = m[4] !== undefined ? Number(m[4]) : 1;
      if (lo === null || hi === null) return bad('不是数字或名称 / not a number or name');
      if (lo < f.min || lo > f.max || hi < f.min || hi > f.max) return bad(`超出范围 ${f.min}–${f.max} / out of range ${f.min}-${f.max}`);
      if (hi < lo) return bad('范围颠倒 / range is reversed');
      if (step < 1) return bad('步长应至少为 1 / step must be at least 1');
      for (let v = lo; v <= hi; v += step) set.add(i === 4 && v === 7 ? 0 : v);
    }
    sets.push(set);
  }
  return { sets, stars };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether a valid expression can ever fire. With both day fields restricted cron fires on either
 * (so it always can); with only the day of month restricted, some chosen month must have such a day
 * (29 February counts: leap years come).
 */
export function cronCanFire(expr: string): boolean {
  const parsed = parseCron(expr);
  if ('problem' in parsed) return true; // reported as an error instead
  const [, , dom, month, , ] = parsed.sets;
  const [, , , , dowStar] = parsed.stars;
  if (!dowStar && !parsed.stars[2]) return true;
  if (!dowStar) return true;
  for (const mo of month!) for (const d of dom!) if (d <= DAYS_IN_MONTH[mo - 1]!) return true;
  return false;
}
