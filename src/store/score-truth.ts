/**
 * The figures behind "scores tell the truth": per branch, its stored report score of a period and
 * the items it has open now (open or acknowledged warnings and escalations, overdue rectifications).
 */
import type { Db } from './sqlite/db.js';
import { prepared } from './sqlite/alerts.js';

/** One branch: its score and its open items. */
export interface ScoreAndOpenItems {
  org: string;
  score: number;
  openItems: number;
}

/** Branches with a scored report for `period`, with their open items as of `now`. */
export function scoresAndOpenItems(db: Db, period: string, now: number): ScoreAndOpenItems[] {
  return prepared(
    db,
    `SELECT r.org, r.score,
            (SELECT count(*) FROM alerts a WHERE a.org = r.org AND a.state IN ('open', 'acknowledged') AND a.level <> 'reminder')
          + (SELECT count(*) FROM rectification_items i WHERE i.org = r.org AND i.status = 'open' AND i.due_at <= @now) AS openItems
       FROM reports r
      WHERE r.period = @period AND r.kind = 'branch' AND r.score IS NOT NULL
      ORDER BY r.org`,
  ).all({ period, now }) as ScoreAndOpenItems[];
}
