/**
 * JSON nesting depth: records are flat objects whose values are scalars, so anything nested deeper
 * than MAX_JSON_DEPTH is refused before code that walks a tree recursively (JSON.stringify, schema
 * validation) can overflow the stack on it. Shared by the NDJSON reader and the HTTP API's body parser.
 */

/** Deepest nesting accepted (a record object inside `{"records": [...]}` is depth 3). */
export const MAX_JSON_DEPTH = 32;

/** True when `value` nests objects/arrays deeper than `max` (walked iteratively, never recursing). */
export function nestedTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Object.values(v as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The message for a value nested too deep. */
export function tooDeepReason(max = MAX_JSON_DEPTH): { zh: string; en: string } {
  return { zh: `JSON 嵌套层数超过 ${max} 层`, en: `JSON nested deeper than ${max} levels` };
}
