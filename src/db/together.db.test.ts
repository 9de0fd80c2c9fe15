import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, isPostgresRun } from '../../test/support/database.ts';
import type { DatabaseHandle } from './database.ts';
import { inlineParameters, literal, sendTogether, statementsOf } from './together.ts';

describe('statements sent together in one round trip', () => {
  let database: DatabaseHandle;
  const sent: string[] = [];
  beforeAll(async () => {
    database = await createTestDatabase({ onQuery: (text) => sent.push(text) });
  });
  afterAll(async () => database.close());

  it('returns each statement’s rows, parsed as when sent alone, in one query', async () => {
    const odd = `it's a \\ "quoted" ; $1 -- not a comment`;
    const typed = sql<{
      n: number;
      big: number;
      amount: string;
      day: string;
      at: Date;
      doc: unknown;
      text: string;
      flag: boolean;
      nothing: null;
      ids: number[];
      negative: number;
    }>`select ${5}::int as n, ${9_007_199_254_740_991}::bigint as big, ${'12.50'}::numeric as amount,
      ${'2021-05-10'}::date as day, ${new Date('2021-05-10T01:02:03.004Z')}::timestamptz as at,
      ${JSON.stringify({ a: [1, 'x'] })}::jsonb as doc, ${odd}::text as text, ${true} as flag,
      ${null}::text as nothing, ${[1, 2, 3]}::bigint[] as ids, 0-${-4}::int as negative`;
    const alone = (await typed.execute(database.db)).rows[0];
    sent.length = 0;
    const [rows, none, more] = await sendTogether(database.db, [
      typed.compile(database.db),
      database.db.selectFrom('app_user').select('id').where('id', '=', -1),
      sql<{ x: number }>`select x from unnest(${[3, 1]}::int[]) as x order by x`.compile(database.db),
    ]);
    expect(sent).toHaveLength(1);
    expect(statementsOf(sent[0]!)).toHaveLength(3);
    expect(rows[0]).toEqual(alone);
    expect(rows[0]).toMatchObject({ text: odd, big: 9_007_199_254_740_991, amount: '12.50', negative: 4 });
    expect(rows[0]!.at).toBeInstanceOf(Date);
    expect(none).toEqual([]);
    expect(more).toEqual([{ x: 1 }, { x: 3 }]);
  });

  it('runs each statement with its own snapshot, in order, inside a transaction', async () => {
    const [, seen] = await database.db
      .transaction()
      .execute((trx) =>
        sendTogether(trx, [
          sql`create temporary table together_probe (v int) on commit drop`.compile(trx),
          sql<{ v: number }>`select v from together_probe`.compile(trx),
        ]),
      );
    expect(seen).toEqual([]);
  });

  it('an error in one statement fails the call', async () => {
    await expect(
      sendTogether(database.db, [sql`select 1`.compile(database.db), sql`select 1/0`.compile(database.db)]),
    ).rejects.toThrow(/division by zero/);
  });

  it('prepares each statement once per connection (PostgreSQL), with the same answers, also after an error', async () => {
    await database.db.connection().execute(async (connection) => {
      const list = (id: number) =>
        [
          sql<{ n: number; t: string }>`select ${id}::int as n, ${`p'${id}`} as t`.compile(connection),
          connection.selectFrom('app_user').select('id').where('id', '=', -id),
        ] as const;
      expect(await sendTogether(connection, list(1))).toEqual([[{ n: 1, t: "p'1" }], []]);
      expect(await sendTogether(connection, list(2))).toEqual([[{ n: 2, t: "p'2" }], []]);
      // The first statement fails, so the second is never prepared: the next call must prepare it
      // again, not execute a statement that does not exist.
      const later = sql<{ later: number }>`select ${7}::int + 0 as later`.compile(connection);
      await expect(
        sendTogether(connection, [sql`select ${1}::int / ${0}::int`.compile(connection), later]),
      ).rejects.toThrow(/division by zero/);
      expect(await sendTogether(connection, [later])).toEqual([[{ later: 7 }]]);
      // On PostgreSQL the statements are prepared once: the same list again prepares nothing more.
      const preparedCount = async () =>
        Number(
          (
            await sql<{ count: string }>`select count(*) as count from pg_prepared_statements`.execute(
              connection,
            )
          ).rows[0]!.count,
        );
      const before = await preparedCount();
      expect(await sendTogether(connection, list(3))).toEqual([[{ n: 3, t: "p'3" }], []]);
      expect(await preparedCount()).toBe(before);
      await sendTogether(connection, [sql`select ${1}::int as fresh`.compile(connection)]);
      expect(await preparedCount()).toBe(before + (isPostgresRun() ? 1 : 0));
    });
  });

  it('writes parameters as literals, leaving quoted text and comments alone', () => {
    expect(inlineParameters(`select $1, '$2', "$3" /* $4 */ -- $5\n, $2`, ['a', "b'c"])).toBe(
      `select 'a', '$2', "$3" /* $4 */ -- $5\n, 'b''c'`,
    );
    expect(literal('back\\slash')).toBe(`E'back\\\\slash'`);
    expect(literal(-3)).toBe(`'-3'`);
    expect(literal(['a"b', null, 2])).toBe(
      `'{"a\\"b",NULL,"2"}'`.replace("'{", "E'{").replace('\\"', '\\\\"'),
    );
    expect(() => inlineParameters('select $1', [])).toThrow();
    expect(() => inlineParameters('select $$x$$', [])).toThrow();
    expect(() => literal(Number.NaN)).toThrow();
  });
});
