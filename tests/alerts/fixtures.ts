/** Literal data for the alert tests: orgs with contacts, hand-made findings, a config, an exact clock. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Config } from '../../src/config/schema.js';
import { parsePeriod, parseTimestamp } from '../../src/domain/calendar.js';
import type { Finding, Level, RuleId } from '../../src/domain/types.js';
import type { Db } from '../../src/store/sqlite/db.js';
import { orgs } from '../../src/store/sqlite/schema.js';
import { shippedConfig } from '../helpers/config.js';

/** Epoch ms of an ISO timestamp (no offset = Shanghai); throws on a typo. */
export function at(iso: string): number {
  const t = parseTimestamp(iso);
  if (t === null) throw new Error(`bad timestamp in test: ${iso}`);
  return t;
}

type OrgInsert = typeof orgs.$inferInsert;

/** A committee with its own secretary/clerk contacts (optional). */
export function committee(code: string, name: string, over: Partial<OrgInsert> = {}): OrgInsert {
  return { code, name, kind: 'committee', parent: null, updatedAt: 0, ...over };
}

/** A branch under `parent` with a secretary and a Party-affairs worker. */
export function branch(code: string, name: string, parent: string, over: Partial<OrgInsert> = {}): OrgInsert {
  return { code, name, kind: 'branch', parent, domain: 'organ', members: 20, groups: 0, establishedOn: '2000-01-01', updatedAt: 0, ...over };
}

/** Insert org rows. */
export function insertOrgs(db: Db, rows: OrgInsert[]): void {
  db.insert(orgs).values(rows).run();
}

/**
 * The usual little city: committee C1 (王书记, with a clerk) over B1 and B2, committee C2 over B3.
 * 张三 is secretary of both B1 and B2 (same phone and email); B2's clerk has no email.
 */
export function seedCity(db: Db): void {
  insertOrgs(db, [
    committee('C1', '城关镇党委', { secretary: '王书记', secretaryPhone: '13900000001', secretaryEmail: 'wang@c1.gov.cn', clerk: '钱干事', clerkEmail: 'qian@c1.gov.cn' }),
    committee('C2', '东城街道党工委', { secretary: '孙书记', secretaryEmail: 'sun@c2.gov.cn' }),
    branch('B1', '城关镇机关第一党支部', 'C1', { secretary: '张三', secretaryPhone: '13800000001', secretaryEmail: 'zhang@example.cn', clerk: '李四', clerkPhone: '13800000002', clerkEmail: 'li@example.cn' }),
    branch('B2', '城关镇机关第二党支部', 'C1', { secretary: '张三', secretaryPhone: '+86 138-0000-0001', secretaryEmail: 'Zhang@example.cn', clerk: '赵六', clerkPhone: '13800000003' }),
    branch('B3', '东城社区党支部', 'C2', { secretary: '周七', secretaryPhone: '13800000004', secretaryEmail: 'zhou@example.cn' }),
  ]);
}

/** A finding as a rule would give it (due = end of the period; message in Chinese). */
export function finding(org: string, rule: RuleId, period: string, level: Level, message?: string): Finding {
  const p = parsePeriod(period);
  if (!p) throw new Error(`bad period in test: ${period}`);
  return { org, rule, period, level, dueAt: p.end, message: message ?? `${period}未完成：${rule}` };
}

/** The shipped config (default.yaml + holidays.yaml) with changes applied by `edit`. */
export function testConfig(edit: (c: Config) => void = () => undefined): Config {
  const c = shippedConfig();
  edit(c);
  return c;
}

/** Rows of a table (tests look at what was written). */
export function rows<T = Record<string, unknown>>(db: Db, sql: string, ...params: unknown[]): T[] {
  return db.$client.prepare(sql).all(...params) as T[];
}

/** One number from SQL. */
export function count(db: Db, sql: string, ...params: unknown[]): number {
  return db.$client.prepare(sql).pluck().get(...params) as number;
}

const BIN = join(resolve(import.meta.dirname, '../..'), 'bin/orglife.js');

/** Run the real `orglife` CLI against a database file. */
export function orglife(args: string[], dbPath: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SMTP_URL|ORGLIFE_)/.test(k))) as Record<string, string>;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...env, LOG_LEVEL: 'silent', ORGLIFE_DB: dbPath, ORGLIFE_CONFIG: resolve(import.meta.dirname, '../../config') }, timeout: 150_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}
