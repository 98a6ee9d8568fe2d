/**
 * 导入: upload CSV/XLSX/NDJSON files through the browser into the same all-or-nothing import as
 * `orglife import` (any bad row rejects the whole upload; errors as a table of file, line, column
 * and reason), a page documenting every column of every table, and blank templates (CSV with a
 * UTF-8 BOM, XLSX) with the Chinese headers.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { importFiles, ImportRejected, TABLES, tableByName } from '../../import/index.js';
import { DOMAIN_NAMES_ZH, MEETING_TYPE_NAMES_ZH } from '../../domain/types.js';
import { PageError, type PageContext } from '../context.js';

/** Allowed values of the enumerated columns, as the docs page shows them. */
const ALLOWED: Record<string, string> = {
  kind: 'committee（党委）、branch（党支部）',
  domain: Object.entries(DOMAIN_NAMES_ZH).map(([k, v]) => `${k}（${v}）`).join('、'),
  type: Object.entries(MEETING_TYPE_NAMES_ZH).map(([k, v]) => `${k}（${v}）`).join('、'),
  minutes: 'yes / no（是 / 否），空 = 不详',
  lecturer_role: 'secretary（书记）、other（其他）',
  held_at: 'ISO 8601 时间，如 2026-11-05T09:00（无时区即北京时间）',
  elected_on: '日期 YYYY-MM-DD',
  established_on: '日期 YYYY-MM-DD',
  period: '2026-10、2026-Q3 或 2026',
  term_years: '3 或 5',
};

interface UploadedFile {
  filename: string;
  data: Buffer;
}

/** Uploaded files of a multipart body (attachFieldsToBody): every field with a filename. */
async function uploadedFiles(body: unknown): Promise<UploadedFile[]> {
  const out: UploadedFile[] = [];
  for (const v of Object.values((body ?? {}) as Record<string, unknown>)) {
    for (const f of [v].flat() as { filename?: string; type?: string; toBuffer?: () => Promise<Buffer> }[]) {
      if (f && f.type === 'file' && f.filename && f.toBuffer) {
        const data = await f.toBuffer();
        if (data.length) out.push({ filename: f.filename, data });
      }
    }
  }
  return out;
}

/** A file name safe to write in a temp folder, keeping its extension (the importer reads it). */
function safeName(name: string, i: number): string {
  const base = basename(name).replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(-80);
  return base && !base.startsWith('.') ? base : `upload-${i}`;
}

export function importPages(app: FastifyInstance, ctx: PageContext): void {
  app.get('/console/import', async (request, reply) => ctx.page(request, reply, 'import', '导入', { tables: TABLES.map((t) => ({ name: t.name, nameZh: t.nameZh })) }));

  app.post('/console/import', async (request, reply) => {
    const s = ctx.mustAct(request);
    // Imports change the whole city's records: only accounts of the root organization may run them.
    const tree = await ctx.tree(request);
    if (!tree.isWhole(s.user.org) && tree.byCode.size > 0) throw new PageError(403, '只有市（县）级管理员可以导入数据 / only county admins import');
    const files = await uploadedFiles(request.body);
    const tables = TABLES.map((t) => ({ name: t.name, nameZh: t.nameZh }));
    if (!files.length) return ctx.page(request, reply, 'import', '导入', { tables, error: '请选择要导入的文件。' }, 422);
    const dir = mkdtempSync(join(tmpdir(), 'orglife-upload-'));
    try {
      const paths = files.map((f, i) => {
        const p = join(dir, safeName(f.filename, i));
        writeFileSync(p, f.data);
        return p;
      });
      try {
        // The store's import session has its own connection and transaction: requests served
        // meanwhile neither see its rows nor join (and get rolled back with) it. Both stores.
        const results = await importFiles(ctx.store, paths, { now: ctx.deps.clock() });
        await ctx.audit({ actor: s.user.username, action: 'import', target: files.map((f) => f.filename).join(', ').slice(0, 200), detail: { files: results.map((r) => ({ file: basename(r.source), table: r.table, rows: r.rows, inserted: r.inserted, updated: r.updated })) }, org: s.user.org });
        return ctx.page(request, reply, 'import', '导入', { tables, results: results.map((r) => ({ ...r, source: basename(r.source) })) });
      } catch (e) {
        if (!(e instanceof ImportRejected)) throw e;
        const issues = e.issues.map((i) => ({ ...i, source: basename(i.source) }));
        return ctx.page(request, reply, 'import', '导入', { tables, issues, total: e.total }, 422);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  app.get('/console/import/columns', async (request, reply) =>
    ctx.page(request, reply, 'import-columns', '导入文件格式', {
      tables: TABLES.map((t) => ({
        name: t.name,
        nameZh: t.nameZh,
        columns: t.columns.map((c) => ({ key: c.key, zh: c.zh, required: !!c.required, aliases: c.aliases ?? [], allowed: ALLOWED[c.key] ?? '' })),
      })),
    }),
  );

  app.get('/console/import/template/:file', async (request, reply) => {
    const m = /^([a-z_]+)\.(csv|xlsx)$/.exec((request.params as { file: string }).file);
    const table = m ? tableByName(m[1]!) : undefined;
    if (!m || !table) throw new PageError(404, '没有这个模板 / no such template');
    const headers = table.columns.map((c) => c.zh);
    const name = encodeURIComponent(`${table.nameZh}模板.${m[2]}`);
    void reply.header('content-disposition', `attachment; filename="${table.name}.${m[2]}"; filename*=UTF-8''${name}`);
    if (m[2] === 'csv') return reply.type('text/csv; charset=utf-8').send(`\uFEFF${headers.join(',')}\r\n`);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(table.nameZh);
    ws.addRow(headers);
    ws.getRow(1).font = { bold: true };
    ws.columns.forEach((c) => (c.width = 16));
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(buf);
  });
}
