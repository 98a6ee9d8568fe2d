/** The composer of a stored reminder: its text by email and robot, the 'reminder' template by SMS (the text for a plain gateway). */
import type { LogicalChannel, OutgoingMessage } from '../notifiers/types.js';
import { truncateSmsParam } from '../notifiers/sms-params.js';
import type { ReminderRow } from '../store/types/deliveries.js';

export function reminderMessage(r: ReminderRow, logical: LogicalChannel, to: string): OutgoingMessage {
  if (logical !== 'sms') return { to, subject: r.subject, text: r.text };
  const p = r.smsParams;
  return {
    to,
    subject: r.subject,
    text: r.text,
    sms: { template: 'reminder', params: { name: truncateSmsParam(p.name ?? ''), count: p.count ?? '0', level: p.level ?? '', deadline: p.deadline ?? '' } },
  };
}
