/**
 * Recipients and channel choice, written once for every kind of delivery (alert digests, report
 * mail, reminders): a person's address per logical channel, the dedup keys, and the choice of
 * sends — the first usable channel of the route; when that is SMS (a short pointer), the email
 * with the full content goes too; at the per-phone daily SMS cap the SMS is dropped and the email
 * carries it alone. Pure.
 */
import { hash } from 'node:crypto';
import type { Contacts, PlannedSend } from '../domain/digest.js';
import type { ChannelName, LogicalChannel } from '../domain/channels.js';

/** '+86 138-1234-5678' → '13812345678'; other strings are only stripped of separators. */
export function normalizePhone(raw: string): string {
  const compact = raw.replace(/[\s()-]/g, '');
  const m = /^(?:\+86|0086|86)?(1\d{10})$/.exec(compact);
  return m ? m[1]! : compact;
}

/** The send of logical channel `l` to these contacts. */
export function sendOn(l: LogicalChannel, contacts: Contacts, smsChannel: ChannelName): PlannedSend {
  if (l === 'sms') return { logical: l, channel: smsChannel, recipient: contacts.phone! };
  if (l === 'email') return { logical: l, channel: 'email', recipient: contacts.email! };
  return { logical: l, channel: l, recipient: contacts.robot!.name };
}

/**
 * The sends of one message to one recipient over `route` (its usable logical channels, in order):
 * the first channel; when that is SMS, also the email (if the route has email). `smsToday` = SMS
 * already sent or planned to this phone on the send day; at `cap` the SMS is dropped and the next
 * channel carries the message alone.
 */
export function chooseSends(
  route: readonly LogicalChannel[],
  contacts: Contacts,
  smsChannel: ChannelName,
  smsToday: number,
  cap: number,
): { sends: PlannedSend[]; smsCapped: boolean } {
  const sends: PlannedSend[] = [];
  let smsCapped = false;
  for (let i = 0; i < route.length; i++) {
    const l = route[i]!;
    if (l === 'sms') {
      if (smsToday >= cap) {
        smsCapped = true;
        continue;
      }
      sends.push({ logical: 'sms', channel: smsChannel, recipient: contacts.phone! });
      if (route.slice(i + 1).includes('email')) sends.push({ logical: 'email', channel: 'email', recipient: contacts.email! });
      break;
    }
    sends.push(sendOn(l, contacts, smsChannel));
    break;
  }
  return { sends, smsCapped };
}

/** Event ids as the keys carry them (ascending, comma-separated): computed once for a digest's several delivery keys. */
export function keyIds(eventIds: readonly number[]): string {
  return [...eventIds].sort((a, b) => a - b).join(',');
}

/** The dedup key of a digest delivery: (recipient, channel, sorted event ids — or their keyIds text). */
export function deliveryKey(recipientKey: string, channel: string, eventIds: readonly number[] | string): string {
  const ids = typeof eventIds === 'string' ? eventIds : keyIds(eventIds);
  // One-shot hash (UTF-8, as Hash.update of a string): a province's first plan computes ~400,000 keys, and a Hash object apiece cost 3× as much.
  return hash('sha256', `${recipientKey}|${channel}|${ids}`, 'hex');
}

/** Dedup key of a report delivery: (report id, channel, address; email case-insensitive). */
export function reportDeliveryKey(reportId: number, channel: string, recipient: string): string {
  return `report:${reportId}:${channel}:${recipient.trim().toLowerCase()}`;
}

export { reminderDeliveryKey } from '../domain/reminders.js';
