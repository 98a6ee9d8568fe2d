/**
 * The monthly reminder to the township leader responsible (包抓领导) for each open weak-and-lax
 * designation, as a pure decision: which designations are due in a month (open on the reminder
 * day, designated before it), to whom, the Chinese text, and a dedup key per (designation, month)
 * so a month's reminder can never be planned twice. Delivery through the delivery log is not wired
 * yet (see README: the deliveries table carries only alert digests and reports).
 */
import type { RatingConfig } from './config.js';
import { weakReminderText, type WeakDesignation } from './weak.js';

export interface WeakReminder {
  designation: number;
  org: string;
  month: string;
  /** weak:<designation id>:<month> */
  dedupKey: string;
  to: string | null;
  phone: string | null;
  email: string | null;
  text: string;
}

export function weakReminders(open: readonly WeakDesignation[], names: ReadonlyMap<string, string>, month: string, cfg: RatingConfig): WeakReminder[] {
  const day = `${month}-${String(cfg.weak_reminder_day).padStart(2, '0')}`;
  return open
    .filter((d) => d.designatedOn <= day && (!d.removedOn || d.removedOn > day))
    .map((d) => ({
      designation: d.id,
      org: d.org,
      month,
      dedupKey: `weak:${d.id}:${month}`,
      to: d.townshipLeader,
      phone: d.townshipLeaderPhone,
      email: d.townshipLeaderEmail,
      text: weakReminderText(d, names.get(d.org) ?? d.org, month),
    }));
}
