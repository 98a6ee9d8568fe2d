import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import {
  renderBranchHtml,
  renderBranchJson,
  renderBranchMarkdown,
  renderCommittee,
  renderCommitteeHtml,
  renderCommitteeMarkdown,
  renderCommitteeParts,
} from '../../src/reports/render/index.js';
import { rankingXlsx } from '../../src/reports/xlsx.js';
import { sampleReports } from './sample.js';

const { reports, summary } = sampleReports();
const [good, bad, fresh] = reports as [(typeof reports)[0], (typeof reports)[0], (typeof reports)[0]];

describe('rendering reports', () => {
  it('renders a branch report as Markdown (snapshot)', async () => {
    await expect(renderBranchMarkdown(bad)).toMatchFileSnapshot('./__snapshots__/branch-with-problems.md');
    await expect(renderBranchMarkdown(good)).toMatchFileSnapshot('./__snapshots__/branch-good.md');
  });

  it('renders a branch report as HTML (snapshot)', async () => {
    await expect(renderBranchHtml(bad)).toMatchFileSnapshot('./__snapshots__/branch-with-problems.html');
  });

  it('renders a committee summary as Markdown and HTML (snapshots)', async () => {
    await expect(renderCommitteeMarkdown(summary)).toMatchFileSnapshot('./__snapshots__/committee.md');
    await expect(renderCommitteeHtml(summary)).toMatchFileSnapshot('./__snapshots__/committee.html');
  });

  it('renders a large committee in parts of bounded size that join to exactly its one-piece text', () => {
    // 4,100 branches: three parts of ranking rows. The oracle is the row of each branch rendered
    // alone, joined by newlines into the table of the summary without branches.
    const many = Array.from({ length: 4100 }, (_, i) => ({ ...summary.branches[i % summary.branches.length]!, org: `X${i}`, rank: i + 1 }));
    const big = { ...summary, branches: many };
    for (const format of ['html', 'md'] as const) {
      const empty = renderCommittee({ ...summary, branches: [] }, format);
      const at = format === 'html' ? empty.lastIndexOf('</table></section>') : empty.length;
      const rows = many.map((b) => {
        const one = renderCommittee({ ...summary, branches: [b] }, format);
        return format === 'html' ? one.slice(at, one.length - (empty.length - at)) : one.slice(at, -1);
      });
      const expected = empty.slice(0, at) + rows.join('\n') + (format === 'html' ? empty.slice(at) : '\n');
      const parts = [...renderCommitteeParts(big, format)];
      expect(parts.length).toBeGreaterThanOrEqual(4);
      for (const part of parts) expect(part.split(format === 'html' ? '<tr>' : '\n| ').length - 1).toBeLessThanOrEqual(2001);
      expect(parts.join('')).toBe(expected);
      expect(renderCommittee(big, format)).toBe(expected);
    }
    expect([...renderCommitteeParts(summary, 'json')].join('')).toBe(renderCommittee(summary, 'json'));
  });

  it('keeps a <script> in a branch name and a veto item as text in HTML', () => {
    for (const html of [renderBranchHtml(bad), renderCommitteeHtml(summary)]) {
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;二村党支部');
    }
    expect(renderBranchHtml(bad)).not.toContain('<b>未按规定</b>');
    expect(renderBranchHtml(bad)).toContain('&lt;b&gt;未按规定&lt;/b&gt;');
  });

  it('escapes markup in Markdown too', () => {
    expect(renderBranchMarkdown(bad)).toContain('\\<script\\>');
  });

  it('puts org, period, score, grade, stars, rank and problems with rule ids in the JSON', () => {
    const j = JSON.parse(renderBranchJson(bad));
    expect(j).toMatchObject({ org: 'B2', period: '2026-10', vetoed: true, stars: bad.stars, rank: bad.rank });
    expect(typeof j.score).toBe('number');
    expect(typeof j.grade).toBe('string');
    expect(j.problems.map((p: { rule: string }) => p.rule)).toEqual(['veto', 'theme-day-monthly', 'term-expiry', 'minutes-missing']);
    for (const p of j.problems) expect(typeof p.rule).toBe('string');
  });

  it('includes both SVG charts in the branch HTML and no external resources', () => {
    const html = renderBranchHtml(good);
    expect(html.match(/<svg /g)?.length).toBe(2);
    expect(html).not.toMatch(/<link|<script|src="http/);
  });

  it('shows an unrated branch as 未评定 without stars', () => {
    expect(renderBranchMarkdown(fresh)).toContain('等次：未评定');
    expect(fresh.rank).toBeNull();
  });

  it('counts the open escalation in the committee summary', () => {
    expect(summary.attention).toEqual([{ org: 'B2', name: bad.name, openEscalations: 1, overdueRectifications: 0 }]);
    expect(summary.grades.find((g) => g.grade === '未评定')?.count).toBe(1);
  });

  it('exports the ranking to an XLSX workbook with a sheet per domain', async () => {
    const buf = await rankingXlsx(reports, '2026年10月');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['农村', '全部']);
    const ws = wb.getWorksheet('农村')!;
    expect(ws.getRow(2).getCell(1).value).toBe('排名');
    expect(ws.getRow(3).getCell(2).value).toBe('B1');
    expect(ws.getRow(3).getCell(1).value).toBe(1);
    expect(ws.getRow(5).getCell(1).value).toBe('未参与排名');
  });
});
