/** Row types of incremental evaluation: live 大比武 figures and durable re-evaluation requests. */

/** One branch's live figures of the current period, as the report computation scores them. */
export interface LiveFigureRow {
  org: string;
  /** The period label the figures are of (the current month). */
  period: string;
  /** The as-of time they were computed at. */
  computedAt: number;
  score: number | null;
  grade: string | null;
  stars: number | null;
  vetoed: boolean;
  /** 红黄绿 of the month so far (null before go-live). */
  colour: 'red' | 'yellow' | 'green' | null;
  /** Category id → score. */
  categories: Record<string, number | null>;
  /** Indicator id → score. */
  indicators: Record<string, number | null>;
}

/** A live figures row with the org's name, committee and domain as the org table has them now. */
export interface LiveBoardRow extends LiveFigureRow {
  name: string;
  parent: string | null;
  parentName: string | null;
  domain: string | null;
}

/** Requests a runner claimed: their ids (to mark done) and the union of their org codes. */
export interface ReevaluationClaim {
  ids: number[];
  orgs: string[];
  /** The highest attempt count among them (1 on a first claim). */
  attempts: number;
}
