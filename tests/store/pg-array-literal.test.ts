/**
 * The PostgreSQL adapter's own array parameters (src/store/postgres/q.ts arrayLiteral): the hot read
 * paths send branch ids and codes as literals built in one pass instead of pg's per-element
 * encoding. They must reach the server exactly as pg's encoding would: same values back from
 * int[], int8[], float8[] and text[] casts, quotes, backslashes, commas, braces, spaces and NULL
 * included; anything the literal does not cover is left to pg.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral, arrays, one, rows } from '../../src/store/postgres/q.js';
import { PG_ADMIN_URL } from '../helpers/pg.js';

let c: pg.Client;
beforeAll(async () => {
  c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
});
afterAll(async () => {
  await c.end();
});

const TEXTS = ['B000001', '', ' lead and trail ', 'a,b', '{x}', 'say "hi"', 'back\\slash', '\\"', 'NULL', 'null', '支部 党员', "it's", 'tab\there', 'line\nbreak'];
const NUMBERS = [0, -1, 42, 2147483647, -2147483648];
const BIG = [1795795200001, -9007199254740991, 9007199254740991];
const FLOATS = [0.5, -2.25, 1e-7, 12345.678];

describe('array parameters as literals', () => {
  it('reads back every value as pg would send it', async () => {
    for (const [list, cast] of [
      [TEXTS, 'text[]'],
      [[...TEXTS, null, 'x'], 'text[]'],
      [NUMBERS, 'int[]'],
      [[...NUMBERS, null], 'int[]'],
      [BIG, 'int8[]'],
      [FLOATS, 'float8[]'],
      [[], 'int[]'],
      [[], 'text[]'],
    ] as const) {
      const lit = arrayLiteral(list);
      expect(lit).toBeTypeOf('string');
      // Each element on its own row, in order: through the literal, and through pg's own encoding.
      const sql = `SELECT x::text, x IS NULL FROM unnest($1::${cast}) WITH ORDINALITY AS u(x, n) ORDER BY n`;
      const ours = (await c.query({ text: sql, values: [lit], rowMode: 'array' })).rows;
      const theirs = (await c.query({ text: sql, values: [list], rowMode: 'array' })).rows;
      expect(ours).toEqual(theirs);
      const back = ours.map((r) => (r[1] ? null : cast === 'text[]' ? r[0] : Number(r[0])));
      expect(back).toEqual(list.map((v) => (v === null ? null : cast === 'text[]' ? v : Number(v))));
    }
  });

  it('leaves arrays of other kinds to pg', () => {
    expect(arrayLiteral([true, false])).toBeUndefined();
    expect(arrayLiteral([[1, 2], [3, 4]])).toBeUndefined();
    expect(arrayLiteral([new Date(0)])).toBeUndefined();
    expect(arrayLiteral([Buffer.from('x')])).toBeUndefined();
    expect(arrayLiteral([1n])).toBeUndefined();
  });

  it('is what the row helpers send: the same rows as with pg encoding every array', async () => {
    const sql = 'SELECT t, n FROM unnest($1::text[], $2::int8[]) WITH ORDINALITY AS u(t, n0, n) ORDER BY n';
    const viaHelper = await arrays(c, sql, [TEXTS, TEXTS.map((_, i) => i * 1e12)]);
    const viaPg = (await c.query({ text: sql, values: [TEXTS, TEXTS.map((_, i) => i * 1e12)], rowMode: 'array' })).rows;
    expect(viaHelper).toEqual(viaPg);
    expect(viaHelper.map((r) => r[0])).toEqual(TEXTS);
    expect((await rows<{ a: string[] }>(c, 'SELECT $1::text[] AS a', [TEXTS]))[0]!.a).toEqual(TEXTS);
    // Mixed values: booleans still go through pg; plain scalars untouched.
    expect(await one<{ b: boolean[]; s: string }>(c, 'SELECT $1::bool[] AS b, $2::text AS s', [[true, false], 'plain'])).toEqual({ b: [true, false], s: 'plain' });
  });
});
