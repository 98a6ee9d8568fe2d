/** Collects the issues of one import command: keeps the first MAX_KEPT_ISSUES, counts them all. */
import { MAX_KEPT_ISSUES, type ImportIssue } from './types.js';

/** The issues of one command, in the order found. */
export class IssueLog {
  readonly kept: ImportIssue[] = [];
  total = 0;
  private readonly bySource = new Map<string, number>();

  add(issue: ImportIssue): void {
    this.total++;
    this.bySource.set(issue.source, (this.bySource.get(issue.source) ?? 0) + 1);
    if (this.kept.length < MAX_KEPT_ISSUES) this.kept.push(issue);
  }

  /** How many issues a source (file) had. */
  countFor(source: string): number {
    return this.bySource.get(source) ?? 0;
  }
}
