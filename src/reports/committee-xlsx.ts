/**
 * A committee summary's full lists as one XLSX workbook: the attachment of the summary mail when
 * the lists are too long for a mail body (a city's root committee has every branch below it). One
 * sheet per list — the ranking of its branches, those needing attention (most severe first) and,
 * with a rating section, five-star candidates, weak branches and demonstration sites. Cells go
 * through the shared formula neutralisation (names come from imports). Pure apart from the writer.
 */
import { DOMAIN_NAMES_ZH } from '../domain/types.js';
import { ratingListSheets } from '../rating/report-xlsx.js';
import { sheetsBuffer, type Sheet } from '../rating/xlsx.js';
import type { CommitteeSummary } from './types.js';

/** The sheets of a summary's lists. */
export function committeeSheets(s: CommitteeSummary): Sheet[] {
  const head = `${s.name} ${s.periodName}`;
  const sheets: Sheet[] = [
    {
      name: '支部排名',
      title: `${head}党支部排名（共 ${s.branchCount} 个支部，参评 ${s.ratedCount} 个）`,
      headers: ['排名', '组织编码', '支部名称', '领域', '得分', '等次', '星级', '负面清单', '得分较上期', '问题数', '未办结督办', '逾期整改'],
      widths: [6, 14, 28, 10, 8, 8, 6, 8, 10, 8, 10, 8],
      rows: s.branches.map((b) => [
        b.rank,
        b.org,
        b.name,
        b.domain ? DOMAIN_NAMES_ZH[b.domain] : '',
        b.score,
        b.grade ?? '未评定',
        b.stars,
        b.vetoed ? '是' : '',
        b.scoreChange,
        b.problems,
        b.openEscalations,
        b.overdueRectifications,
      ]),
    },
    {
      name: '需重点关注',
      title: `${head}需重点关注的党支部（未办结督办或逾期整改，按严重程度排序）`,
      headers: ['序号', '组织编码', '支部名称', '未办结督办', '逾期整改'],
      widths: [6, 14, 28, 10, 10],
      rows: s.attention.map((a, i) => [i + 1, a.org, a.name, a.openEscalations, a.overdueRectifications]),
    },
  ];
  if (s.rating) {
    const wanted = new Set(['五星候选', '软弱涣散', '示范点']);
    sheets.push(...ratingListSheets([s], s.periodName).filter((x) => wanted.has(x.name)));
  }
  return sheets;
}

/** The workbook of a summary's lists. */
export function committeeXlsx(s: CommitteeSummary): Promise<Buffer> {
  return sheetsBuffer(committeeSheets(s));
}
