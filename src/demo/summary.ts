/** The Chinese summary the demo prints at the end: what happened, and where to look. */
import { relative } from 'node:path';
import { shanghaiDateTime } from '../domain/calendar.js';
import { LEVEL_NAMES_ZH, LEVELS } from '../domain/types.js';
import type { DemoResult } from './run.js';

const CHANNEL_ZH: Record<string, string> = { email: '邮件', http_sms: '短信', aliyun_sms: '短信', tencent_sms: '短信', wecom: '企业微信', dingtalk: '钉钉' };

/** The summary text (several lines, ends with a newline). */
export function demoSummary(r: DemoResult, cwd: string = process.cwd()): string {
  const rel = (p: string) => {
    const x = relative(cwd, p);
    return x && !x.startsWith('..') ? `./${x}` : p;
  };
  const levels = LEVELS.map((l) => `${LEVEL_NAMES_ZH[l]} ${r.alertsByLevel[l]}`).join('，');
  const channels = Object.entries(r.deliveries.byChannel)
    .map(([c, n]) => `${CHANNEL_ZH[c] ?? c} ${n.sent} 条已发送${n.failed ? `，${n.failed} 条失败` : ''}${n.pending ? `，${n.pending} 条待发` : ''}`)
    .join('；');
  const grades = Object.entries(r.reports.grades)
    .map(([g, n]) => `${g} ${n}`)
    .join('，');
  const lines = [
    '',
    '══════════ 演示完成 ══════════',
    `检查时间：${shanghaiDateTime(r.at)}（北京时间）`,
    `示例城市：${r.city.committees} 个党委，${r.city.branches} 个党支部（${r.city.domains} 个领域），${r.city.meetings} 条会议记录`,
    `当前未解除的预警：${levels}`,
    `消息发送：${channels || '无'}`,
    `体检报告：${r.reports.period.label} 共 ${r.reports.branches} 份支部报告、${r.reports.committees} 份党委汇总（${grades}）` +
      `，报告消息已发送 ${r.report.sent} 条${r.report.held ? `，${r.report.held} 条待发` : ''}`,
    '',
    '去哪里看：',
    `  邮件（每封一个 .eml 文件，可用邮件客户端打开）：${rel(r.mail.dir)}/  共 ${r.mail.files} 封`,
    `  短信记录（手机号已打码）：${rel(r.sms.file)}  共 ${r.sms.lines} 条`,
    `  体检报告（浏览器打开）：${rel(r.reports.index)}`,
    `  排名表（Excel）：${rel(r.reports.ranking)}`,
    `  数据库：${rel(r.dbPath)}（可用 ORGLIFE_DB=${rel(r.dbPath)} npx orglife check / alerts list 继续查看）`,
    '',
    '以上均为合成数据；邮件和短信只发到本机的模拟服务器，没有发往外部。',
    '',
  ];
  return lines.join('\n');
}
