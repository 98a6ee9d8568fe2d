/** An empty PeriodStats (a period without sent notifications), shared by both adapters and `orglife stats`. */
import type { Level } from '../../domain/types.js';
import type { PeriodStats } from '../types/deliveries.js';

export const zeroLevels = (): Record<Level, number> => ({ reminder: 0, warning: 0, escalation: 0 });

export function emptyPeriodStats(period: string): PeriodStats {
  return { period, messages: 0, items: 0, byChannel: {}, byLevel: zeroLevels(), committees: [], reports: { messages: 0, byChannel: {}, branch: 0, committee: 0 }, reminders: { messages: 0, byChannel: {} } };
}
