/**
 * The digest model: everything one message to one recipient says, as plain JSON. The planner
 * builds it and stores it with the delivery; compose.ts renders it (pure) for each channel at send
 * time, so a fallback to another channel re-renders the same content.
 */
import { messageAt } from '../rules/messages.js';
import type { DigestItem, DigestModel } from '../domain/digest.js';

export type { DigestBranch, DigestCommittee, DigestItem, DigestModel } from '../domain/digest.js';

/** Every item of a model, own branches first. */
export function digestItems(m: DigestModel): DigestItem[] {
  return [...m.own.flatMap((b) => b.items), ...m.committees.flatMap((c) => c.branches.flatMap((b) => b.items))];
}

/**
 * The model as of `at` (its send time): every item's day count re-counted (rules/messages.ts
 * messageAt) and `at` moved, so a message held by quiet hours tells the days as they are when sent.
 */
export function modelAt(m: DigestModel, at: number): DigestModel {
  if (m.backlog || at <= m.at) return m;
  const items = (list: DigestItem[]) => list.map((i) => ({ ...i, message: messageAt(i.message, i.dueAt, at) }));
  return {
    ...m,
    at,
    own: m.own.map((b) => ({ ...b, items: items(b.items) })),
    committees: m.committees.map((c) => ({ ...c, branches: c.branches.map((b) => ({ ...b, items: items(b.items) })) })),
  };
}
