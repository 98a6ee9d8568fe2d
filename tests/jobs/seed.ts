/**
 * A tiny city for the delivery tests, imported through src/import (as an admin's file would be):
 * one town committee and branches with no meeting records at all, so on 2 November 2026 every
 * rule has something to say (September lapses are warnings, October ones reminders in grace).
 */
import type { Config } from '../../src/config/schema.js';
import { importRecords } from '../../src/import/index.js';
import type { Store } from '../../src/store/port.js';
import { shippedConfig } from '../helpers/config.js';

export interface SeedBranch {
  code: string;
  secretaryPhone?: string;
  secretaryEmail?: string;
  clerkEmail?: string;
}

/** Import committee C01 and the given branches (established 2020, elected 2025, no meetings). */
export async function seedCity(store: Store, branches: SeedBranch[], now = Date.parse('2026-10-01T00:00:00+08:00')): Promise<void> {
  await importRecords(store, 'orgs', [
    { code: 'C01', name: '城关镇党委', kind: 'committee', parent: '' },
    ...branches.map((b, i) => ({
      code: b.code,
      name: `第${i + 1}党支部`,
      kind: 'branch',
      parent: 'C01',
      domain: 'community',
      members: 20,
      groups: 0,
      secretary: `书记${i + 1}`,
      secretary_phone: b.secretaryPhone ?? '',
      secretary_email: b.secretaryEmail ?? '',
      clerk: b.clerkEmail ? `党务${i + 1}` : '',
      clerk_email: b.clerkEmail ?? '',
      established_on: '2020-01-01',
      elected_on: '2025-01-01',
      term_years: 5,
    })),
  ], 'tests/jobs/seed', { now });
}

/** The shipped config with SMS through the generic HTTP gateway at `smsUrl`, short retries. */
export function deliveryConfig(smsUrl: string, o: { attempts?: number; backoffMs?: number } = {}): Config {
  const c = shippedConfig();
  c.channels.sms_provider = 'http_sms';
  c.channels.http_sms.enabled = true;
  c.channels.http_sms.url = smsUrl;
  c.delivery.attempts = o.attempts ?? 3;
  c.delivery.backoff_ms = o.backoffMs ?? 10;
  return c;
}
