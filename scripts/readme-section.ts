/**
 * A generated section of README.md between two markers: replace it, and the command-line part
 * shared by the generators (scripts/gen-config-docs.ts, scripts/gen-columns-docs.ts): rewrite, or
 * `--check` (exit 1 when stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));

/** README text with the section between `start` and `end` replaced. Throws when the markers are missing. */
export function replaceSection(readme: string, start: string, end: string, body: string): string {
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md lacks the markers ${start} … ${end}`);
  return `${readme.slice(0, a + start.length)}\n${body}\n${readme.slice(b)}`;
}

/** Rewrite (or with --check, verify) one generated section; `what` names it in the messages. */
export function runSection(what: string, script: string, start: string, end: string, render: () => string): void {
  const readme = readFileSync(README, 'utf8');
  const next = replaceSection(readme, start, end, render());
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      process.stderr.write(`README.md ${what} is out of date: run npx tsx ${script}\n`);
      process.exit(1);
    }
    process.stdout.write(`README.md ${what} is up to date\n`);
  } else if (next !== readme) {
    writeFileSync(README, next);
    process.stdout.write(`README.md ${what} updated\n`);
  } else {
    process.stdout.write(`README.md ${what} already up to date\n`);
  }
}
