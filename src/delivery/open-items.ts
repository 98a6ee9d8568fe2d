/**
 * A digest as it is sent: only the items whose alerts are still open when the worker claims it.
 * A committee digest planned before an org was removed (撤销), an exemption was granted or a lapse
 * was fixed would otherwise still list those branches' items while other branches' alerts keep it
 * alive (a digest with no open alert at all is cancelled by the claim, as before). Branches and
 * committees left with no item are dropped too. Nothing else changes: the delivery row, its dedup
 * key and its SMS count stay what planning wrote.
 */
import type { DigestBranch, DigestModel } from '../domain/digest.js';
import type { StoredDelivery } from '../store/types/deliveries.js';

/** The model without the items of `closed` alerts (the same model when none is closed). */
export function openPart(model: DigestModel, closed: readonly number[]): DigestModel {
  if (!closed.length) return model;
  const gone = new Set(closed);
  const branches = (list: DigestBranch[]) =>
    list.map((b) => ({ ...b, items: b.items.filter((i) => !gone.has(i.alertId)) })).filter((b) => b.items.length);
  return {
    ...model,
    own: branches(model.own),
    committees: model.committees.map((c) => ({ ...c, branches: branches(c.branches) })).filter((c) => c.branches.length),
  };
}

/** The delivery with its digest reduced to the open part (other kinds unchanged). */
export function withOpenItems(d: StoredDelivery): StoredDelivery {
  const c = d.carries;
  if (c.kind !== 'digest' || !c.closedAlertIds.length) return d;
  return { ...d, carries: { ...c, model: openPart(c.model, c.closedAlertIds) } };
}
