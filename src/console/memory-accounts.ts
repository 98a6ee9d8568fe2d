/**
 * The accounts of a read-only console (`orglife console`): users are read from the store, while
 * sessions, failed-sign-in counts and lockouts live in this process's memory, so looking at a
 * database never writes to it (the store is opened read-only). Audit entries of sign-ins are
 * kept in memory too and shown before the stored log. Changing users is refused.
 */
import type { AccountsRepo, Store } from '../store/port.js';
import type { AuditEntry, AuditRow, SessionRow, UserRow } from '../store/types/accounts.js';

const MAX_AUDIT = 1000;

/** The store with an in-memory accounts family over its stored users. */
export function withMemoryAccounts(store: Store): Store {
  const stored = store.accounts;
  const sessions = new Map<string, SessionRow>();
  const counts = new Map<number, { failedLogins: number; lockedUntil: number | null }>();
  const audit: AuditRow[] = [];
  let auditId = 0;
  const overlay = (u: UserRow | undefined): UserRow | undefined => (u ? { ...u, ...counts.get(u.id) } : undefined);
  const refuse = (): never => {
    throw new Error('read-only console: accounts are changed with `orglife users` / 只读控制台不能修改账号');
  };
  const accounts: AccountsRepo = {
    addUser: async () => refuse(),
    setPassword: async () => refuse(),
    setDisabled: async () => refuse(),
    userByName: async (name) => overlay(await stored.userByName(name)),
    userById: async (id) => overlay(await stored.userById(id)),
    users: async () => (await stored.users()).map((u) => overlay(u)!),
    async noteFailedLogin(id, max, lockUntil) {
      const c = counts.get(id) ?? { failedLogins: 0, lockedUntil: null };
      const locked = c.failedLogins + 1 >= max;
      counts.set(id, locked ? { failedLogins: 0, lockedUntil: lockUntil } : { ...c, failedLogins: c.failedLogins + 1 });
      return { locked };
    },
    async noteGoodLogin(id) {
      counts.delete(id);
    },
    async startSession(s) {
      sessions.set(s.idHash, { ...s });
    },
    async session(idHash) {
      const s = sessions.get(idHash);
      const user = s && (await accounts.userById(s.userId));
      return s && user ? { session: { ...s }, user } : undefined;
    },
    async touchSession(idHash, now, expiresAt) {
      const s = sessions.get(idHash);
      if (s) Object.assign(s, { lastSeenAt: now, expiresAt });
    },
    async endSession(idHash) {
      sessions.delete(idHash);
    },
    async pruneSessions(now) {
      let n = 0;
      for (const [k, s] of sessions) if (s.expiresAt <= now && sessions.delete(k)) n++;
      return n;
    },
    async audit(entries: readonly AuditEntry[], now) {
      for (const e of entries) {
        audit.unshift({ id: --auditId, at: now, actor: e.actor, action: e.action, target: e.target ?? null, detail: e.detail === undefined ? null : JSON.stringify(e.detail), org: e.org ?? null });
      }
      audit.length = Math.min(audit.length, MAX_AUDIT);
    },
    async auditPage(opts) {
      const mine = audit.filter((r) => !opts.orgs || (r.org !== null && opts.orgs.includes(r.org)));
      const fromMemory = mine.slice(opts.offset, opts.offset + opts.limit);
      const db = await stored.auditPage({ orgs: opts.orgs, limit: opts.limit - fromMemory.length, offset: Math.max(0, opts.offset - mine.length) });
      return { rows: [...fromMemory, ...(opts.limit - fromMemory.length > 0 ? db.rows : [])], total: mine.length + db.total };
    },
  };
  return { ...store, accounts };
}
