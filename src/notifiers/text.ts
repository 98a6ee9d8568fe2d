/** Text shaping shared by the chat robots. */

/** Appended when a robot message is cut: the complete list always goes by email. */
export const TRUNCATION_NOTE = '…(完整内容见邮件)';

/**
 * Cut `text` to at most `maxBytes` UTF-8 bytes, on a character boundary (never inside a multi-byte
 * character or a surrogate pair), appending TRUNCATION_NOTE when anything was removed.
 */
export function truncateUtf8(text: string, maxBytes: number, note: string = TRUNCATION_NOTE): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(note, 'utf8');
  let used = 0;
  let out = '';
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + note;
}
