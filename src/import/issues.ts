/** Collects the issues of one import command: keeps the first MAX_KEPT_ISSUES, counts them all. */
import { MAX_KEPT_ISSUES, type ImportIssue } from './types.js';

/**
 * The issues of one command, in input order. Rows get a sequence number as they are read
 * (`tick`); an issue found later (a batch written after more rows were read) is filed under its
 * row's number, so the list reads as if every row had been checked on arrival.
 */
export class IssueLog {
  private readonly entries: { issue: ImportIssue; seq: number }[] = [];
  total = 0;
  private clock = 0;
  private readonly bySource = new Map<string, number>();

  /** A new row begins; its sequence number. */
  tick(): number {
    return ++this.clock;
  }

  /** Report an issue of the current row (or of the row numbered `seq`). */
  add(issue: ImportIssue, seq: number = this.clock): void {
    this.total++;
    this.bySource.set(issue.source, (this.bySource.get(issue.source) ?? 0) + 1);
    if (this.entries.length < MAX_KEPT_ISSUES) this.entries.push({ issue, seq });
  }

  /** The kept issues in input order. */
  get kept(): ImportIssue[] {
    return [...this.entries].sort((a, b) => a.seq - b.seq).map((e) => e.issue);
  }

  /** How many issues a source (file) had. */
  countFor(source: string): number {
    return this.bySource.get(source) ?? 0;
  }
}
