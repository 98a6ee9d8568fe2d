/** The ranking board's pages: sorted by a value, ties share a position, filters and scope, kept orderings stay right. */
import { describe, expect, it } from 'vitest';
import { boardPage, boardRows, committeeBoardOf, type Board, type BoardRow } from '../../src/app/ranking.js';

const row = (org: string, score: number | null, parent: string, domain = 'rural', cat = 0): BoardRow => ({
  org, name: `支部${org}`, parent, parentName: `党委${parent}`, domain, score, grade: score === null ? null : '良好', colour: null, stars: null, vetoed: false,
  rank: null, rankOf: 0, committeeRank: null, rankChange: null, scoreChange: null, categories: { c1: cat }, indicators: {},
});

const board: Board = {
  period: '2026-10', periodName: '2026年10月', categories: [{ id: 'c1', name: '类别' }], indicators: [],
  rows: [row('B5', 80, 'C1', 'rural', 3), row('B1', 90, 'C1', 'rural', 1), row('B3', 80, 'C2', 'school', 2), row('B2', null, 'C2'), row('B4', 95, 'C2', 'rural', 5)],
};

describe('boardPage', () => {
  it('sorts by score (ties by code, share a position; unrated last) and pages', () => {
    const all = boardRows(board, { orgs: null });
    expect(all.map((r) => [r.org, r.position])).toEqual([['B4', 1], ['B1', 2], ['B3', 3], ['B5', 3], ['B2', null]]);
    const p2 = boardPage(board, { orgs: null }, 2, 2);
    expect(p2.total).toBe(5);
    expect(p2.rows.map((r) => [r.org, r.position, r.value])).toEqual([['B3', 3, 80], ['B5', 3, 80]]);
    expect(boardPage(board, { orgs: null }, 10, 2).rows).toEqual([]);
  });

  it('sorts by a category, filters by domain and committee, and keeps each scope apart', () => {
    expect(boardPage(board, { orgs: null, sort: 'category:c1' }, 0, 3).rows.map((r) => r.org)).toEqual(['B4', 'B5', 'B3']);
    expect(boardPage(board, { orgs: null, domain: 'school' }, 0, 9).rows.map((r) => r.org)).toEqual(['B3']);
    expect(boardPage(board, { orgs: null, committee: 'C1' }, 0, 9).rows.map((r) => [r.org, r.position])).toEqual([['B1', 1], ['B5', 2]]);
    const town = boardPage(board, { orgs: new Set(['B3', 'B5']), scopeKey: 'C9' }, 0, 9);
    expect(town.rows.map((r) => [r.org, r.position])).toEqual([['B3', 1], ['B5', 1]]);
    // Another user's scope of the same size is not served the first one's ordering.
    expect(boardPage(board, { orgs: new Set(['B1', 'B4']), scopeKey: 'C8' }, 0, 9).rows.map((r) => r.org)).toEqual(['B4', 'B1']);
    expect(boardPage(board, { orgs: null }, 0, 1).rows.map((r) => r.org)).toEqual(['B4']);
    expect(committeeBoardOf(board, { orgs: null }).map((c) => [c.code, c.branches, c.average])).toEqual([['C2', 3, 87.5], ['C1', 2, 85]]);
    expect(committeeBoardOf(board, { orgs: new Set(['B1']), scopeKey: 'C1' }).map((c) => c.code)).toEqual(['C1']);
  });
});
