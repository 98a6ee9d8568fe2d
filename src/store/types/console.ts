/**
 * Row types of the console's read queries (the `console` family): the org tree as the console
 * scopes it, alert filters, a branch's timeline lines, the overview's counts and what a preview
 * reads. `orgs` arguments of those queries are the branch codes a user may see, or null for all.
 */
import type { AlertListRow } from './alerts.js';

/** One org of the tree, as the console scopes and names things. */
export interface TreeOrg {
  code: string;
  name: string;
  kind: 'committee' | 'branch';
  parent: string | null;
  domain: string | null;
}

export interface AlertFilter {
  level?: string;
  state?: string;
  rule?: string;
  /** Branches whose parent committee is this code. */
  committee?: string;
  period?: string;
  org?: string;
}

export interface AlertPage {
  rows: AlertListRow[];
  total: number;
}

export interface CommitteeLevelCount {
  committee: string | null;
  level: string;
  state: string;
  n: number;
}

export interface MonthLevelCount {
  /** 'YYYY-MM' (Shanghai). */
  month: string;
  level: string;
  n: number;
}

export interface ActiveAlertCounts {
  org: string;
  open: number;
  acknowledged: number;
  escalations: number;
}

export interface ReportLine {
  period: string;
  kind: string;
  score: number | null;
  grade: string | null;
  stars: number | null;
  rank: number | null;
  generatedAt: number;
}

export interface MeetingLine {
  recordId: string;
  type: string;
  heldAt: number;
  expected: number;
  attended: number;
  minutes: number | null;
  topic: string | null;
}

export interface DeliveryLine {
  id: number;
  channel: string;
  recipient: string;
  status: string;
  notBefore: number;
  sentAt: number | null;
  attempts: number;
  lastError: string | null;
  level: string | null;
  recipientName: string | null;
}

export interface AttemptLine {
  deliveryId: number;
  attempt: number;
  channel: string;
  startedAt: number;
  durationMs: number;
  error: string | null;
  /** 1 when the provider refused for good, else 0. */
  permanent: number;
}

export interface RunLine {
  kind: string;
  status: string;
  asOf: number;
  startedAt: number;
  finishedAt: number | null;
}

export interface PendingSend {
  id: number;
  channel: string;
  recipient: string;
  recipientName: string | null;
  level: string | null;
  notBefore: number;
  createdAt: number;
  items: number;
  /** Branch codes the message is about, comma-separated. */
  orgs: string;
  kind: 'alert' | 'report';
}
