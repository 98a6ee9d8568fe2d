/**
 * `orglife preview [--at ISO] [--json]`: what the next cycle would send, to whom, on which channel
 * and when — a dry run (in memory, over the database read only) that writes nothing and sends nothing.
 */
import type { Command } from 'commander';
import { previewCycle } from '../../app/preview.js';
import { table } from '../../alerts/format.js';
import { readEnv } from '../../config/env.js';
import { defaultConfigPath, loadConfig } from '../../config/load.js';
import { shanghaiDateTime } from '../../domain/calendar.js';
import { LEVEL_NAMES_ZH, type Level } from '../../domain/types.js';
import { log } from '../../log.js';
import { CHANNEL_NAMES_ZH, type ChannelName } from '../../notifiers/types.js';
import { maskRecipient } from '../../console/security.js';
import { defaultStoreSpec, openStore } from '../../store/open.js';
import { parseAtOption } from '../existing-db.js';
import { UserError } from '../errors.js';

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('预览下一次检查将发送的消息（只读模拟，不写入、不发送）/ dry run of the next cycle')
    .option('--at <time>', '按此时间模拟（ISO 8601，无时区即北京时间），默认现在 / as of this time')
    .option('--config <path>', '配置文件或目录（默认 ORGLIFE_CONFIG 或 ./config）')
    .option('--json', '每行输出一个 JSON 对象（收件人已打码）/ one JSON object per line (recipients masked)')
    .action(async (flags: { at?: string; config?: string; json?: boolean }) => {
      const now = parseAtOption(flags.at);
      const env = readEnv();
      const { config } = loadConfig(flags.config ?? defaultConfigPath());
      // Read only: the dry run reads the database and writes nothing (a missing database is a bilingual StoreMissingError).
      const store = await openStore(defaultStoreSpec(), { mustExist: true, migrate: false });
      try {
        const rows = await previewCycle(store, { config, env, log, now });
        if (flags.json) {
          for (const r of rows) process.stdout.write(`${JSON.stringify({ at: new Date(r.notBefore).toISOString(), channel: r.channel, to: maskRecipient(r.recipient), name: r.recipientName, kind: r.kind, level: r.level, items: r.items, orgs: (r.orgs ?? '').split(',').filter(Boolean), planned: r.planned })}\n`);
          return;
        }
        const body = rows.map((r) => [
          shanghaiDateTime(r.notBefore),
          CHANNEL_NAMES_ZH[r.channel as ChannelName] ?? r.channel,
          `${r.recipientName ?? ''} ${maskRecipient(r.recipient)}`.trim(),
          r.kind === 'report' ? '体检报告' : `${r.level ? LEVEL_NAMES_ZH[r.level as Level] : ''} ${r.items} 项`,
          r.planned ? '本次新增' : '已在排队',
        ]);
        process.stdout.write(`截至 ${shanghaiDateTime(now)}，下一次检查将发送 ${rows.length} 条消息（其中新增 ${rows.filter((r) => r.planned).length} 条；模拟，未写入、未发送）：\n`);
        if (body.length) process.stdout.write(`${table(['发送时间', '渠道', '收件人', '内容', ''], body)}\n`);
      } finally {
        await store.close();
      }
    });
}
