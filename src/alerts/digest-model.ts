/**
 * The digest model: everything one message to one recipient says, as plain JSON. The planner
 * builds it and stores it with the delivery; compose.ts renders it (pure) for each channel at send
 * time, so a fallback to another channel re-renders the same content.
 */
import type { DigestItem, DigestModel } from '../domain/digest.js';

export type { DigestBranch, DigestCommittee, DigestItem, DigestModel } from '../domain/digest.js';

/** Every item of a model, own branches first. */
export function digestItems(m: DigestModel): DigestItem[] {
  return [...m.own.flatMap((b) => b.items), ...m.committees.flatMap((c) => c.branches.flatMap((b) => b.items))];
}
