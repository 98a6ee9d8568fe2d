/** The renderers by format: report data in, text out (pure). */
import type { BranchReport, CommitteeSummary } from '../types.js';
import { renderBranchHtml } from './html.js';
import { committeeHtmlParts, renderCommitteeHtml } from './committee-html.js';
import { committeeMarkdownParts, renderBranchMarkdown, renderCommitteeMarkdown } from './markdown.js';
import { renderBranchJson, renderCommitteeJson } from './json.js';

export const REPORT_FORMATS = ['html', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A branch report in the given format. */
export function renderBranch(r: BranchReport, format: ReportFormat): string {
  return format === 'html' ? renderBranchHtml(r) : format === 'md' ? renderBranchMarkdown(r) : renderBranchJson(r);
}

/** A committee summary in the given format. */
export function renderCommittee(c: CommitteeSummary, format: ReportFormat): string {
  return format === 'html' ? renderCommitteeHtml(c) : format === 'md' ? renderCommitteeMarkdown(c) : renderCommitteeJson(c);
}

/**
 * renderCommittee's text in parts (joined, exactly that text; HTML and Markdown a bounded number of
 * ranking rows per part, JSON in one): how a file of a large committee is written.
 */
export function renderCommitteeParts(c: CommitteeSummary, format: ReportFormat): Iterable<string> {
  return format === 'html' ? committeeHtmlParts(c) : format === 'md' ? committeeMarkdownParts(c) : [renderCommitteeJson(c)];
}

export { renderBranchHtml, renderCommitteeHtml, renderBranchMarkdown, renderCommitteeMarkdown, renderBranchJson, renderCommitteeJson };
