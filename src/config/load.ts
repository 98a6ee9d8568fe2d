/**
 * Loads the YAML configuration and validates it against the one schema. Only this module (and
 * src/config/env.ts) reads files and the environment for configuration.
 *
 * A config source is a file, or a folder whose top-level *.yaml files are merged: default.yaml
 * first, then the rest in name order (so `config/local.yaml` overrides `config/default.yaml`).
 * Every error is reported at once, each with its file, line, key path and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { configWarnings } from './warnings.js';

export { ConfigError, type ConfigIssue } from './issues.js';
export { rulesFor } from './rules.js';
export { listConfigFiles } from './files.js';
export { defaultConfigPath } from './env-path.js';
import { ConfigError, type ConfigIssue } from './issues.js';
import { listConfigFiles } from './files.js';
import { defaultConfigPath } from './env-path.js';

export interface LoadedConfig {
  config: Config;
  /** Files read, in merge order. */
  files: string[];
  /** What is valid but would silently misbehave (a schedule that never fires, a short holiday calendar). */
  warnings: ConfigIssue[];
}

/** Aliases a YAML document may expand: a few are normal, thousands are an alias bomb. */
const MAX_YAML_ALIASES = 100;


interface Source {
  file: string;
  doc: Document;
  lines: LineCounter;
}

/** Load and validate the configuration at `path` (file or folder). Throws ConfigError. */
export function loadConfig(path: string = defaultConfigPath(), now: number = Date.now()): LoadedConfig {
  const files = listConfigFiles(path);
  const sources: Source[] = [];
  const issues: ConfigIssue[] = [];
  for (const file of files) {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: true });
    for (const e of doc.errors) {
      const first = e.message.split('\n')[0]!.slice(0, 200);
      const what = /call stack/i.test(first) ? 'nested too deep' : first;
      issues.push({ file, line: e.linePos?.[0]?.line ?? null, path: '', message: `YAML 语法错误 / YAML syntax: ${what}` });
    }
    sources.push({ file, doc, lines });
  }
  if (issues.length) throw new ConfigError(issues);

  // Merge the raw trees, remembering which file set each key path, to point errors at it.
  const origin = new Map<string, Source>();
  let merged: unknown = {};
  for (const src of sources) {
    let value: unknown;
    try {
      value = src.doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {};
    } catch {
      // yaml throws a ReferenceError on an alias bomb ("Excessive alias count …").
      issues.push({
        file: src.file, line: null, path: '',
        message: `YAML 别名（*引用）展开过多，超过 ${MAX_YAML_ALIASES} 次，疑似别名炸弹 / too many YAML alias expansions (over ${MAX_YAML_ALIASES}): an alias bomb?`,
      });
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      issues.push({ file: src.file, line: 1, path: '', message: '应为按节组织的映射（rules:、channels: …）/ expected a mapping of sections (rules:, channels:, …)' });
      continue;
    }
    merged = deepMerge(merged, value, [], src, origin);
  }
  if (issues.length) throw new ConfigError(issues);

  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => toIssue(i, origin, sources)));
  const warnings = configWarnings(result.data, now).map((w) => {
    const path = w.path.split('.');
    let src: Source | undefined;
    for (let n = path.length; n >= 0 && !src; n--) src = origin.get(path.slice(0, n).join('.'));
    return { file: src?.file ?? '(defaults)', line: src ? lineOf(src, path, false) : null, path: w.path, message: w.message };
  });
  return { config: result.data, files, warnings };
}

/** Validate without throwing: the list of issues (empty when valid). For `orglife config check`. */
export function checkConfig(path: string, now: number = Date.now()): { files: string[]; issues: ConfigIssue[]; warnings: ConfigIssue[]; config?: Config } {
  try {
    const loaded = loadConfig(path, now);
    return { files: loaded.files, issues: [], warnings: loaded.warnings, config: loaded.config };
  } catch (e) {
    if (e instanceof ConfigError) return { files: listConfigFilesSafe(path), issues: e.issues, warnings: [] };
    throw e;
  }
}

function listConfigFilesSafe(path: string): string[] {
  try {
    return listConfigFiles(path);
  } catch {
    return [];
  }
}

function deepMerge(base: unknown, over: unknown, path: (string | number)[], src: Source, origin: Map<string, Source>): unknown {
  origin.set(path.join('.'), src);
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v, [...path, k], src, origin);
    return out;
  }
  if (isPlainObject(over)) {
    for (const [k, v] of Object.entries(over)) deepMerge(undefined, v, [...path, k], src, origin);
  }
  return over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toIssue(i: z.core.$ZodIssue, origin: Map<string, Source>, sources: Source[]): ConfigIssue {
  const path = i.path.map(String);
  // The file that set the deepest known prefix of the path.
  let src: Source | undefined;
  for (let n = path.length; n >= 0 && !src; n--) src = origin.get(path.slice(0, n).join('.'));
  src ??= sources[sources.length - 1];
  let message = i.message;
  let keyPath = path;
  if (i.code === 'unrecognized_keys') {
    const key = i.keys[0]!;
    keyPath = [...path, key.length > 60 ? `${key.slice(0, 59)}…` : key];
    const keySrc = origin.get(keyPath.join('.')) ?? src;
    const allowed = allowedKeys(path);
    return {
      file: keySrc?.file ?? '(defaults)',
      line: keySrc ? lineOf(keySrc, keyPath, true) : null,
      path: keyPath.join('.'),
      message: `未知配置项 / unknown key "${i.keys.map((k) => (k.length > 60 ? `${k.slice(0, 59)}…` : k)).join('", "')}"${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`,
    };
  }
  if (i.code === 'invalid_value' && 'values' in i) message = `${i.message}`;
  message = bilingual(i.code, message);
  return {
    file: src?.file ?? '(defaults)',
    line: src ? lineOf(src, keyPath, false) : null,
    path: keyPath.join('.'),
    message,
  };
}

/** Chinese for zod's English messages, by issue code (messages already bilingual are kept). */
const CODE_ZH: Record<string, string> = {
  invalid_type: '类型不对',
  too_small: '数值过小或内容过短',
  too_big: '数值过大或内容过长',
  invalid_value: '取值不在允许范围内',
  invalid_format: '格式不对',
  invalid_union: '取值无效',
  not_multiple_of: '数值不符合倍数要求',
  custom: '取值无效',
};

function bilingual(code: string, message: string): string {
  if (/[\u4e00-\u9fff]/.test(message)) return message;
  return `${CODE_ZH[code] ?? '取值无效'} / ${message}`;
}

/** The keys the schema allows at a path, to suggest on an unknown key. */
function allowedKeys(path: string[]): string[] {
  let schema: unknown = configSchema;
  for (const seg of path) {
    schema = unwrap(schema);
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    if (shape && seg in shape) schema = shape[seg];
    else {
      const def = (schema as { _zod?: { def?: { valueType?: unknown } } })._zod?.def;
      if (def?.valueType) schema = def.valueType;
      else return [];
    }
  }
  const shape = (unwrap(schema) as { shape?: Record<string, unknown> }).shape;
  if (shape) return Object.keys(shape);
  const keyType = (unwrap(schema) as { _zod?: { def?: { keyType?: { options?: string[] } } } })._zod?.def?.keyType;
  return keyType?.options ?? [];
}

function unwrap(s: unknown): unknown {
  let cur = s as { _zod?: { def?: { innerType?: unknown; in?: unknown } } };
  for (let n = 0; n < 10; n++) {
    const def = cur?._zod?.def;
    const next = def?.innerType ?? def?.in;
    if (!next) break;
    cur = next as typeof cur;
  }
  return cur;
}

function lineOf(src: Source, path: string[], wantKey: boolean): number | null {
  for (let n = path.length; n >= 1; n--) {
    const parentPath = path.slice(0, n - 1);
    const parent = parentPath.length ? src.doc.getIn(parentPath, true) : src.doc.contents;
    if (!isMap(parent)) continue;
    const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === path[n - 1]);
    if (!pair) continue;
    const node = (wantKey || n < path.length ? pair.key : (pair.value ?? pair.key)) as { range?: [number, number, number] };
    if (node?.range) return src.lines.linePos(node.range[0]).line;
  }
  return null;
}
