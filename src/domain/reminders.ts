/** Reminders carried by the delivery log (the monthly weak-branch reminder): their dedup key, shared by planning and fallbacks. */

/** Dedup key of a reminder delivery: (reminder id, channel, address; email case-insensitive). */
export function reminderDeliveryKey(reminderId: number, channel: string, recipient: string): string {
  return `reminder:${reminderId}:${channel}:${recipient.trim().toLowerCase()}`;
}
