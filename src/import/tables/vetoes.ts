/**
 * The negative list (负面清单 / 一票否决): one row per (org, period, item). A branch with an item
 * overlapping a report's period cannot be rated five stars in it. Re-importing changes nothing.
 */
import type { VetoFact } from '../../reports/types.js';
import { SessionBatch } from '../batch.js';
import type { CommandContext, FileTally, RowContext, TableSpec, TableWriter } from '../table.js';
import { code, text } from '../values.js';
import { checkBranch, periodLabel } from './assessments.js';

class VetoesWriter implements TableWriter<VetoFact> {
  /** Every row of the command (all its files): a repeat is the same fact, counted unchanged. */
  private readonly seen = new Set<string>();
  private readonly batch: SessionBatch<'vetoes'>;
  constructor(private readonly cmd: CommandContext) {
    // Repeats never reach the session: no conflict can come back.
    this.batch = new SessionBatch(cmd, 'vetoes', (v) => ({ key: 'item', zh: `「${v.org}」的事项「${v.item}」`, en: `the item "${v.item}" of "${v.org}"`, value: v.item }));
  }

  async beginFile(file: FileTally): Promise<void> {
    await this.batch.nextFile();
    await this.cmd.session.beginFile('vetoes', file.source);
  }

  add(v: VetoFact, row: RowContext): void {
    const key = `${v.org}\u0000${v.period}\u0000${v.item}`;
    if (this.seen.has(key)) {
      row.file.unchanged++;
      return;
    }
    this.seen.add(key);
    if (this.cmd.failed) return;
    this.batch.add(v, row);
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }

  finish(): Promise<void> {
    return this.batch.flush(true);
  }
}

/** 负面清单: org, period, item (the reason). */
export const vetoesTable: TableSpec<VetoFact> = {
  name: 'vetoes',
  nameZh: '负面清单',
  order: 30,
  signature: ['org', 'period', 'item'],
  columns: [
    { key: 'org', zh: '组织编码', aliases: ['支部编码', '党支部编码'], required: true, parse: code },
    { key: 'period', zh: '期间', aliases: ['考核期间', '周期'], required: true, parse: periodLabel },
    { key: 'item', zh: '事项', aliases: ['原因', 'reason', '否决事项', '负面清单事项', '情形'], required: true, parse: text },
  ],
  validate(rec, row) {
    if (!checkBranch(rec.org, row)) return null;
    return rec as unknown as VetoFact;
  },
  openWriter(cmd) {
    return new VetoesWriter(cmd);
  },
};
