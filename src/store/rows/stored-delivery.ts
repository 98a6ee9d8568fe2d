/**
 * A delivery row (joined with its digest, report or reminder, as both adapters select it) → StoredDelivery:
 * one mapping for SQLite and PostgreSQL, so what a delivery carries is read the same way on both.
 * The adapters differ only in how the digest's event ids arrive (a JSON text or an array).
 */
import type { Contacts, DigestModel } from '../../domain/digest.js';
import type { LogicalChannel } from '../../domain/channels.js';
import type { Level } from '../../domain/types.js';
import type { ReminderRow, StoredDelivery } from '../types/deliveries.js';

const NO_CONTACTS: Contacts = { phone: null, email: null, robot: null };

/** The row's fields under the column aliases of both adapters' storedDelivery SELECT. */
export function storedDeliveryFromRow(r: Record<string, unknown>, eventIds: (raw: unknown) => number[]): StoredDelivery | undefined {
  const base = {
    id: r.id as number,
    dedupKey: r.dedupKey as string,
    channel: r.channel as StoredDelivery['channel'],
    logical: r.logical as LogicalChannel,
    recipient: r.recipient as string,
    status: r.status as StoredDelivery['status'],
    notBefore: r.notBefore as number,
    sendDay: r.sendDay as string,
    attempts: r.attempts as number,
    claimedUntil: r.claimedUntil as number | null,
    claimedBy: r.claimedBy as string | null,
    sentAt: r.sentAt as number | null,
    providerMessageId: r.providerMessageId as string | null,
    lastError: r.lastError as string | null,
    fallbackOf: r.fallbackOf as number | null,
  };
  if (r.digestId !== null) {
    if (r.recipientKey === null) return undefined; // digest row gone (never happens: foreign key)
    return {
      ...base,
      route: JSON.parse(r.gRoute as string) as LogicalChannel[],
      contacts: JSON.parse(r.gContacts as string) as Contacts,
      carries: {
        kind: 'digest',
        digestId: r.digestId as number,
        recipientKey: r.recipientKey as string,
        model: JSON.parse(r.model as string) as DigestModel,
        level: r.level as Level,
        eventIds: eventIds(r.eventIds),
        closedAlertIds: eventIds(r.closedAlerts).map(Number),
      },
    };
  }
  const own = {
    ...base,
    route: r.dRoute ? (JSON.parse(r.dRoute as string) as LogicalChannel[]) : [base.logical],
    contacts: r.dContacts ? (JSON.parse(r.dContacts as string) as Contacts) : NO_CONTACTS,
  };
  if (r.reminderId !== null && r.reminderId !== undefined) {
    const reminder: ReminderRow | null =
      r.mKind === null || r.mKind === undefined
        ? null
        : {
            id: Number(r.reminderId),
            kind: r.mKind as ReminderRow['kind'],
            designationId: Number(r.mDesignation),
            recipientKey: r.mRecipient as string,
            org: r.mOrg as string,
            month: r.mMonth as string,
            subject: r.mSubject as string,
            text: r.mText as string,
            smsParams: JSON.parse(r.mSms as string) as Record<string, string>,
          };
    return { ...own, carries: { kind: 'reminder', reminderId: Number(r.reminderId), reminder } };
  }
  return {
    ...own,
    carries: { kind: 'report', reportId: r.reportId as number, report: r.reportData ? (JSON.parse(r.reportData as string) as object) : null },
  };
}
