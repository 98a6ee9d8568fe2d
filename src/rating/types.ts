/**
 * The vocabulary of the star-rating year (评星定级): filed ratings, star changes during a year
 * (摘星降级 and restorations), their channels, and the branch facts the rating computations read.
 * Shapes follow the interchange format in the domain reference ("Star ratings").
 */
import type { Domain } from '../domain/types.js';

/** A final filed star of one year (after public notice). Key (org, year). */
export interface RatingFact {
  org: string;
  year: number;
  /** 1–5. */
  stars: number;
  /** 'YYYY-MM-DD' the star was filed; null = takes effect 1 January of year + 1. */
  ratedOn: string | null;
}

/** Where a star change came from (来源渠道). */
export const CHANNELS = ['inspection', 'supervision', 'assessment', 'petition', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_NAMES_ZH: Record<Channel, string> = {
  inspection: '巡视巡察',
  supervision: '调研督查',
  assessment: '工作考核',
  petition: '信访举报',
  other: '其他',
};

/** A change of a branch's star during a year. Key `id`. */
export interface StarChangeFact {
  id: string;
  org: string;
  /** 'YYYY-MM-DD' from which the new star holds. */
  effectiveOn: string;
  /** The star from that date; 0 = star removed (摘星). */
  stars: number;
  channel: Channel;
  reason: string | null;
  /** Evidence (佐证材料): a document number, file name or link. Optional. */
  evidence: string | null;
}

/** A branch as the rating computations see it. */
export interface RatingBranch {
  code: string;
  name: string;
  /** Parent committee code. */
  parent: string | null;
  parentName: string | null;
  domain: Domain | null;
  secretary: string | null;
}
