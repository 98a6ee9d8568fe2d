/**
 * The monthly report tick through the store port, on either store, with the clock injected: a
 * report saved by hand before the tick (`report --save --org X`) does not make the tick skip the
 * other branches; and a committee with more branches than a mail body should list gets its
 * summary mail with the top rows in the body and every row in an XLSX attachment, sent through the
 * real email notifier to an SMTP server on loopback.
 */
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composedOutbox as deliveryOutbox } from '../../src/jobs/outbox-alerts.js';
import { readEnv } from '../../src/config/env.js';
import { parsePeriod } from '../../src/domain/calendar.js';
import { createNotifiers, type Notifiers } from '../../src/notifiers/registry.js';
import { buildReports } from '../../src/reports/gather.js';
import { runReportTick, saveReports } from '../../src/reports/generate.js';
import { MAIL_LIST_ROWS } from '../../src/reports/mail.js';
import { shippedConfig } from '../helpers/config.js';
import { startSmtpServer, type SmtpStandin } from '../helpers/smtp.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { at, quietLog } from '../jobs/setup.js';
import { goodMonths, seedStore, type OrgSeed } from './seed.js';

const TICK = at('2026-11-02T09:00'); // report_monthly of October
const OCT = parsePeriod('2026-10')!;

let t: TempStore;
afterEach(async () => t.cleanup());

describe('the report tick after a report was saved by hand', () => {
  beforeEach(async () => {
    t = await tempStore();
    await seedStore(
      t.store,
      [
        { code: 'T1', name: '甲镇党委', kind: 'committee', secretaryEmail: 't1@example.cn' },
        { code: 'B1', name: '一村党支部', parent: 'T1', secretaryEmail: 'b1@example.cn' },
        { code: 'B2', name: '二村党支部', parent: 'T1', secretaryEmail: 'b2@example.cn' },
        { code: 'B3', name: '三村党支部', parent: 'T1', secretaryEmail: 'b3@example.cn' },
      ],
      [...goodMonths('B1', ['2026-09', '2026-10']), ...goodMonths('B2', ['2026-10'])],
    );
  });

  it('stores the missing branches and the summary, keeps the saved report, and plans the mail of every one once', async () => {
    // `orglife report --org B1 --period 2026-10 --save` on 1 November: B1's report alone.
    const early = at('2026-11-01T15:00');
    const built = await buildReports(t.store, shippedConfig(), OCT, early);
    const b1 = built.reports.find((r) => r.org === 'B1')!;
    await saveReports(t.store, [b1], [], early);
    expect(await t.store.reports.hasStored('2026-10')).toBe(true);

    const tick = await runReportTick({ store: t.store, config: shippedConfig(), available: ['email'], log: quietLog }, 'month', TICK);
    expect(tick).toMatchObject({ period: '2026-10', generated: true, branches: 2, committees: 1, planned: 4, deliveries: 4, skipped: 0 });
    for (const org of ['B1', 'B2', 'B3']) expect(await t.store.reports.stored(org, '2026-10', 'branch')).toMatchObject({ org, period: '2026-10' });
    expect(await t.store.reports.stored('B1', '2026-10', 'branch')).toMatchObject({ generatedAt: early });
    expect(await t.store.reports.stored('B3', '2026-10', 'branch')).toMatchObject({ generatedAt: TICK });
    expect(await t.store.reports.stored('T1', '2026-10', 'committee')).toMatchObject({ branchCount: 3 });
    expect((await t.store.deliveries.list()).map((d) => d.recipient).sort()).toEqual(['b1@example.cn', 'b2@example.cn', 'b3@example.cn', 't1@example.cn']);
    // B3 held nothing: its rectification items come from the tick.
    expect((await t.store.reports.rectifications({ org: 'B3' })).length).toBeGreaterThan(0);

    // The tick again (a restart, another daemon): nothing stored, nothing planned twice.
    const again = await runReportTick({ store: t.store, config: shippedConfig(), available: ['email'], log: quietLog }, 'month', TICK);
    expect(again).toMatchObject({ generated: false, branches: 0, committees: 0, planned: 0, deliveries: 0 });
    expect(await t.store.deliveries.list()).toHaveLength(4);
  });
});

describe('the report tick after every branch report was saved by hand', () => {
  beforeEach(async () => {
    t = await tempStore();
    await seedStore(t.store, [
      { code: 'T1', name: '甲镇党委', kind: 'committee', secretaryEmail: 't1@example.cn' },
      { code: 'B1', name: '一村党支部', parent: 'T1' },
      { code: 'B2', name: '二村党支部', parent: 'T1' },
    ]);
  });

  it("stores the committee's missing summary (and nothing else) and plans its mail", async () => {
    const early = at('2026-11-01T15:00');
    const built = await buildReports(t.store, shippedConfig(), OCT, early);
    await saveReports(t.store, built.reports, [], early); // `report --save --org B1`, then B2
    expect((await t.store.reports.storedOrgs('2026-10')).map((s) => `${s.kind}:${s.org}`)).toEqual(['branch:B1', 'branch:B2']);
    const tick = await runReportTick({ store: t.store, config: shippedConfig(), available: ['email'], log: quietLog }, 'month', TICK);
    expect(tick).toMatchObject({ generated: true, branches: 0, committees: 1, planned: 3, deliveries: 1 });
    expect(await t.store.reports.stored('T1', '2026-10', 'committee')).toMatchObject({ branchCount: 2, generatedAt: TICK });
    expect(await t.store.reports.stored('B1', '2026-10', 'branch')).toMatchObject({ generatedAt: early });
  });
});

describe("a big committee's summary mail", () => {
  let smtp: SmtpStandin;
  let notifiers: Notifiers;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => smtp.close());
  beforeEach(async () => {
    smtp.messages.length = 0;
    t = await tempStore();
    const many = MAIL_LIST_ROWS + 12;
    const branches: OrgSeed[] = Array.from({ length: many }, (_, i) => ({ code: `B${String(i + 1).padStart(2, '0')}`, name: `第${i + 1}村党支部`, parent: 'T1' }));
    await seedStore(
      t.store,
      [
        { code: 'CITY', name: '市委', kind: 'committee', secretaryEmail: 'city@example.cn' },
        { code: 'T1', name: '甲镇党委', kind: 'committee', parent: 'CITY' },
        { code: 'T2', name: '乙镇党委', kind: 'committee', parent: 'CITY', secretaryEmail: 't2@example.cn' },
        ...branches,
        { code: 'C1', name: '一社区党支部', parent: 'T2' },
      ],
      // Every third branch keeps its meetings: scores differ, the others need attention.
      branches.filter((_, i) => i % 3 === 0).flatMap((b) => goodMonths(b.code, ['2026-09', '2026-10'])),
    );
    notifiers = createNotifiers(shippedConfig().channels, readEnv({ SMTP_URL: smtp.url }));
  });
  afterEach(async () => notifiers.close());

  /** What the delivery worker does: claim, compose at send time, send, record. */
  const send = async (id: number) => {
    const outbox = deliveryOutbox(shippedConfig());
    const c = await outbox.claim(t.store, id, 'test', TICK, 60_000);
    if (c.outcome !== 'send') throw new Error(`not claimed: ${c.outcome}`);
    const r = await notifiers.get(c.delivery.channel)!.send(c.delivery.message);
    await outbox.markSent(t.store, { deliveryId: id, channel: c.delivery.channel, recipient: c.delivery.recipient, startedAt: TICK, durationMs: 1, providerMessageId: r.providerMessageId, error: null, errorCode: null, permanent: false }, TICK);
  };

  it('lists the top rows in the body and every branch in an XLSX attachment; a small committee gets the whole summary as before', async () => {
    await runReportTick({ store: t.store, config: shippedConfig(), available: notifiers.enabled, log: quietLog }, 'month', TICK);
    const ds = await t.store.deliveries.list();
    expect(ds.map((d) => d.recipient).sort()).toEqual(['city@example.cn', 't2@example.cn']);
    for (const d of ds) await send(d.id);
    const mails = await smtp.waitForMessages(2);
    const city = mails.find((m) => m.envelope.to[0] === 'city@example.cn')!;
    const t2 = mails.find((m) => m.envelope.to[0] === 't2@example.cn')!;
    const total = MAIL_LIST_ROWS + 13;

    expect(city.subject).toContain(`【组织生活体检汇总】市委 2026年10月：${total} 个支部`);
    expect(city.text).toContain(`本汇总共 ${total} 个支部`);
    expect(city.text).toContain(`只列前 ${MAIL_LIST_ROWS} 个`);
    expect(city.html).toContain('完整名单见附件《CITY-2026-10-党支部体检汇总.xlsx》');
    // The ranking table of the body: MAIL_LIST_ROWS rows, not every branch.
    const rankRows = city.html!.slice(city.html!.lastIndexOf('支部排名')).match(/<tr>/g)!.length - 1;
    expect(rankRows).toBe(MAIL_LIST_ROWS);

    const [file] = city.parsed.attachments;
    expect(file).toMatchObject({ filename: 'CITY-2026-10-党支部体检汇总.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file!.content as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name).slice(0, 2)).toEqual(['支部排名', '需重点关注']);
    const ranking = wb.getWorksheet('支部排名')!;
    expect(ranking.rowCount).toBe(2 + total); // title, header, every branch
    expect(ranking.getRow(2).getCell(3).value).toBe('支部名称');
    const codes = new Set<string>();
    for (let i = 3; i <= ranking.rowCount; i++) codes.add(String(ranking.getRow(i).getCell(2).value));
    expect(codes.size).toBe(total);
    expect(codes.has('C1')).toBe(true);
    const stored = (await t.store.reports.stored('CITY', '2026-10', 'committee')) as { attention: unknown[] };
    expect(wb.getWorksheet('需重点关注')!.rowCount).toBe(2 + stored.attention.length);

    // A committee whose lists fit: no note, no attachment, its one branch in the body.
    expect(t2.parsed.attachments).toEqual([]);
    expect(t2.text).not.toContain('完整名单见附件');
    expect(t2.html).toContain('一社区党支部');
  });
});
