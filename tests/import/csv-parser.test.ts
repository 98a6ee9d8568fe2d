import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvParser, CsvSyntaxError } from '../../src/import/readers/csv-parser.js';

/** Parse `text` fed in pieces of `step` characters; returns [fields, line][]. */
function parseChunked(text: string, step = text.length || 1): [string[], number][] {
  const out: [string[], number][] = [];
  const p = new CsvParser((f, line) => out.push([f, line]));
  for (let i = 0; i < text.length; i += step) p.write(text.slice(i, i + step));
  p.end();
  return out;
}

const TRICKY = [
  'id,org,topic\r\n',
  'M1,B1,"学习""两会""精神"\r\n',
  'M2,B1,"第一行\n第二行\r\n第三行"\r\n',
  '\r\n',
  'M3,,""\r\n',
  '"M4","B,2",plain text\r\n',
  '\r\n',
  'M5,B3,last line without newline',
].join('');

describe('CSV parser', () => {
  it.each([
    ['CRLF', TRICKY],
    ['LF', TRICKY.replaceAll('\r\n', '\n')],
  ])('agrees with csv-parse on quotes, doubled quotes, embedded newlines and empty fields (%s)', (_eol, text) => {
    const ours = parseChunked(text).map(([f]) => f).filter((f) => !(f.length === 1 && f[0] === ''));
    expect(ours).toEqual(parse(text, { relax_column_count: true, skip_empty_lines: true }));
    expect(ours).toHaveLength(6);
  });

  it('gives the same records and start lines however the text is split into chunks', () => {
    const whole = parseChunked(TRICKY);
    expect(whole.map(([, line]) => line)).toEqual([1, 2, 3, 6, 7, 8, 9, 10]);
    for (let step = 1; step <= 40; step++) expect(parseChunked(TRICKY, step)).toEqual(whole);
  });

  it('handles a CR line ending split from its LF across chunks and a lone CR', () => {
    expect(parseChunked('a,b\r\nc,d\r\n', 4)).toEqual([[['a', 'b'], 1], [['c', 'd'], 2]]);
    expect(parseChunked('a,b\rc,d')).toEqual([[['a', 'b'], 1], [['c', 'd'], 2]]);
  });

  it('drops a leading byte order mark and keeps a trailing empty field', () => {
    expect(parseChunked('\ufeffid,org,\nM1,B1,\n')).toEqual([[['id', 'org', ''], 1], [['M1', 'B1', ''], 2]]);
  });

  it.each([
    ['an unclosed quote', 'a,b\nc,"d\ne,f\n', 2, /引号未闭合/],
    ['text after a closing quote', 'a,b\nc,"d"x\n', 2, /结束引号后/],
    ['a quote inside an unquoted field', 'a,b\n\nc,d"e"\n', 3, /未加引号的字段中出现引号/],
    ['text after a closing quote below a multi-line field', 'a,"1\n2\n3"\nb,"x"y\n', 4, /结束引号后/],
  ])('refuses %s, naming the line', (_name, text, line, reason) => {
    for (const step of [1, 3, text.length]) {
      let err: unknown;
      try {
        parseChunked(text, step);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CsvSyntaxError);
      expect((err as CsvSyntaxError).line).toBe(line);
      expect((err as CsvSyntaxError).zh).toMatch(reason);
    }
  });
});
