/**
 * Star changes during a year (摘星降级 and restorations), keyed by `id`: the star from
 * `effective_on` (0 = star removed), where the finding came from (channel), why, and evidence.
 * Re-importing a file changes nothing; an id given twice in one file with other content is rejected.
 */
import { CHANNEL_NAMES_ZH, type Channel, type StarChangeFact } from '../../rating/types.js';
import { SessionBatch } from '../batch.js';
import type { CommandContext, FileTally, RowContext, TableSpec, TableWriter } from '../table.js';
import { date, oneOf, text } from '../values.js';
import { checkBranch } from './assessments.js';
import { starCount } from './ratings.js';

/** 来源渠道: English code or Chinese name (巡视巡察, 调研督查, 工作考核, 信访举报, 其他). */
export const parseChannel = oneOf<Channel>({ zh: '来源渠道', en: 'channel' }, CHANNEL_NAMES_ZH, {
  巡视: 'inspection',
  巡察: 'inspection',
  督查: 'supervision',
  考核: 'assessment',
  信访: 'petition',
  举报: 'petition',
});

class StarChangesWriter implements TableWriter<StarChangeFact> {
  private readonly batch: SessionBatch<'star_changes'>;
  constructor(private readonly cmd: CommandContext) {
    this.batch = new SessionBatch(cmd, 'star_changes', (c) => ({ key: 'id', zh: `调整编号「${c.id}」`, en: `change id "${c.id}"`, value: c.id }));
  }

  async beginFile(file: FileTally): Promise<void> {
    await this.batch.nextFile();
    await this.cmd.session.beginFile('star_changes', file.source);
  }

  add(c: StarChangeFact, row: RowContext): void {
    this.batch.add(c, row);
  }

  flush(): Promise<void> {
    return this.batch.flush();
  }

  finish(): Promise<void> {
    return this.batch.flush(true);
  }
}

/** 星级调整: id, org, effective_on, stars, channel, reason, evidence. */
export const starChangesTable: TableSpec<StarChangeFact> = {
  name: 'star_changes',
  nameZh: '星级调整',
  order: 31,
  signature: ['id', 'org', 'effective_on', 'stars', 'channel'],
  columns: [
    { key: 'id', zh: '调整编号', aliases: ['编号'], required: true, parse: text },
    { key: 'org', zh: '组织编码', aliases: ['支部编码', '党支部编码'], required: true, parse: text },
    { key: 'effective_on', zh: '生效日期', field: 'effectiveOn', aliases: ['调整日期'], required: true, parse: date },
    { key: 'stars', zh: '调整后星级', aliases: ['星级'], required: true, parse: starCount(0) },
    { key: 'channel', zh: '来源渠道', aliases: ['渠道', '来源'], required: true, parse: parseChannel },
    { key: 'reason', zh: '原因', aliases: ['调整原因', '问题'], parse: text },
    { key: 'evidence', zh: '佐证材料', aliases: ['依据', '证据'], parse: text },
  ],
  validate(rec, row: RowContext) {
    if (!checkBranch(rec.org, row)) return null;
    return {
      id: rec.id as string,
      org: rec.org as string,
      effectiveOn: rec.effectiveOn as string,
      stars: rec.stars as number,
      channel: rec.channel as Channel,
      reason: (rec.reason as string | null) ?? null,
      evidence: (rec.evidence as string | null) ?? null,
    };
  },
  openWriter(cmd) {
    return new StarChangesWriter(cmd);
  },
};
