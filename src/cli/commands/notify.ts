/**
 * `orglife notify test --channel NAME --to ADDRESS`: send one Chinese test message through a
 * channel with the real config and environment, and say plainly what happened.
 * Exit codes: 0 sent, 1 permanent failure (fix config/recipient), 75 temporary failure (try later).
 */
import type { Command } from 'commander';
import { readEnv } from '../../config/env.js';
import { defaultConfigPath, loadConfig } from '../../config/load.js';
import { log, maskPhones } from '../../log.js';
import { NotifierError } from '../../notifiers/errors.js';
import { physicalChannel } from '../../notifiers/config.js';
import { createNotifiers } from '../../notifiers/registry.js';
import { testMessage } from '../../notifiers/test-message.js';
import { CHANNEL_NAMES, CHANNEL_NAMES_ZH, LOGICAL_CHANNELS, type ChannelName, type LogicalChannel, type SmsProvider } from '../../notifiers/types.js';
import { UserError } from '../errors.js';

/** EX_TEMPFAIL from sysexits.h: the failure is temporary, a later retry may succeed. */
const EXIT_TEMPORARY = 75;

const HOW_TO_ENABLE: Record<ChannelName, string> = {
  email: '设置环境变量 SMTP_URL（smtp://user:pass@host:port）或 channels.email.host / set SMTP_URL or channels.email.host',
  aliyun_sms: '设置 channels.aliyun_sms.enabled: true / set channels.aliyun_sms.enabled: true',
  tencent_sms: '设置 channels.tencent_sms.enabled: true / set channels.tencent_sms.enabled: true',
  http_sms: '设置 channels.http_sms.enabled: true / set channels.http_sms.enabled: true',
  wecom: '设置 channels.wecom.enabled: true / set channels.wecom.enabled: true',
  dingtalk: '设置 channels.dingtalk.enabled: true / set channels.dingtalk.enabled: true',
};

export function registerNotify(program: Command): void {
  const notify = program.command('notify').description('通知通道 / notification channels');
  notify
    .command('test')
    .description('通过指定通道发送一条测试消息 / send a test message through one channel')
    .requiredOption('--channel <name>', `通道：${[...CHANNEL_NAMES, 'sms'].join(' | ')}（sms = channels.sms_provider）`)
    .requiredOption('--to <address>', '收件人：邮箱、手机号或机器人名称 / email, mobile number or robot name')
    .option('--config <path>', '配置文件或目录（默认 ORGLIFE_CONFIG 或 ./config）')
    .action(async (opts: { channel: string; to: string; config?: string }) => {
      const { config } = loadConfig(opts.config ?? defaultConfigPath());
      const channel = resolveChannel(opts.channel, config.channels.sms_provider);
      const env = readEnv();
      const notifiers = createNotifiers(config.channels, env, { only: [channel], log });
      const shownTo = maskPhones(opts.to);
      try {
        const notifier = notifiers.get(channel);
        if (!notifier) {
          throw new UserError(`通道 ${channel}（${CHANNEL_NAMES_ZH[channel]}）未启用 / channel ${channel} is not enabled: ${HOW_TO_ENABLE[channel]}`, 2);
        }
        const result = await notifier.send(testMessage(channel, opts.to, Date.now()));
        process.stdout.write(
          `测试消息已发送 / test message sent: ${CHANNEL_NAMES_ZH[channel]} (${channel}) → ${shownTo}\n` +
            `消息 ID / message id: ${result.providerMessageId ?? '（服务商未返回 / none returned）'}\n`,
        );
      } catch (e) {
        if (!(e instanceof NotifierError)) throw e;
        const kind = e.permanent
          ? '永久性错误，重试无效，请检查配置或收件人 / permanent: retrying will not help'
          : '临时性错误，可稍后重试 / temporary: try again later';
        throw new UserError(
          `发送失败 / send failed: ${CHANNEL_NAMES_ZH[channel]} (${channel}) → ${shownTo}\n` +
            `  ${kind}\n  ${e.message}${e.code ? `\n  错误代码 / code: ${e.code}` : ''}`,
          e.permanent ? 1 : EXIT_TEMPORARY,
        );
      } finally {
        await notifiers.close();
      }
    });
}

function resolveChannel(name: string, smsProvider: SmsProvider): ChannelName {
  if ((CHANNEL_NAMES as readonly string[]).includes(name)) return name as ChannelName;
  if ((LOGICAL_CHANNELS as readonly string[]).includes(name)) return physicalChannel({ sms_provider: smsProvider }, name as LogicalChannel);
  throw new UserError(`未知通道 / unknown channel "${name}"; 可选 / allowed: ${[...CHANNEL_NAMES, 'sms'].join(', ')}`, 2);
}
