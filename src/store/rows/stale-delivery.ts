/**
 * When a pending delivery is stale at its claim, for both adapters' claim statements (the same SQL on
 * SQLite and PostgreSQL): a message held by quiet hours (a week of holidays, say) may be due after
 * everything it carries is settled. A digest none of whose alerts is still open (resolved or
 * acknowledged) — but not one carrying no alert (the go-live backlog summary); a report no longer
 * stored or of an org removed (撤销) meanwhile; a weak-branch reminder none of whose designations is
 * still open on a branch not removed. Such a delivery is cancelled instead of sent.
 */

/** The condition on a `deliveries` row (unaliased) that makes it stale. */
export const STALE_DELIVERY = `((digest_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM alert_digest_items i JOIN alerts a ON a.id = i.alert_id
                                                     WHERE i.digest_id = deliveries.digest_id AND a.state = 'open')
              -- a digest carrying no alert (the go-live backlog summary) is never stale
              AND EXISTS (SELECT 1 FROM alert_digest_items i WHERE i.digest_id = deliveries.digest_id))
          OR (report_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = deliveries.report_id))
          -- a report of an org removed (撤销) meanwhile
          OR (report_id IS NOT NULL AND EXISTS (SELECT 1 FROM reports r JOIN orgs o ON o.code = r.org WHERE r.id = deliveries.report_id AND o.removed_at IS NOT NULL))
          -- a weak-branch reminder all of whose designations were removed (摘帽) meanwhile,
          OR (reminder_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reminder_designations rd JOIN weak_designations w ON w.id = rd.designation_id
                                                       WHERE rd.reminder_id = deliveries.reminder_id AND w.removed_on IS NULL
                                                         -- nor whose branches were all removed (撤销)
                                                         AND NOT EXISTS (SELECT 1 FROM orgs o WHERE o.code = w.org AND o.removed_at IS NOT NULL))))`;

/** last_error of a delivery cancelled as stale (SET last_error = …). */
export const STALE_REASON = `CASE WHEN reminder_id IS NOT NULL THEN 'designation or its branch removed before sending' WHEN digest_id IS NULL THEN 'report no longer stored or its org removed' ELSE 'alerts no longer open before sending' END`;
