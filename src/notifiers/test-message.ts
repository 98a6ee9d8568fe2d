/** The Chinese test message of `orglife notify test` (pure: the time is passed in). */
import { shanghaiDateTime } from '../domain/calendar.js';
import { CHANNEL_NAMES_ZH, type ChannelName, type OutgoingMessage } from './types.js';

/** A test message for `channel` to `to`, stamped with `now` (Beijing time). */
export function testMessage(channel: ChannelName, to: string, now: number): OutgoingMessage {
  const when = shanghaiDateTime(now);
  const name = CHANNEL_NAMES_ZH[channel];
  const subject = '【组织生活预警】通道测试消息';
  const text = `这是一条测试消息，用于确认“${name}”通道配置正确。\n发送时间：${when}（北京时间）\n收到本消息无需回复。`;
  const html =
    `<p>这是一条测试消息，用于确认“<strong>${name}</strong>”通道配置正确。</p>` +
    `<p>发送时间：${when}（北京时间）</p><p>收到本消息无需回复。</p>`;
  return { to, subject, text, html, sms: { template: 'test', params: { name, time: when } } };
}
