import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { accountFor, postTransfers } from '../ledger/transfer.service.ts';
import { publicDisclosure } from './disclosure.service.ts';

let database: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase({ seeded: true });
});
afterAll(async () => {
  await database?.close();
});

describe('public disclosure of fund use (公开资金使用情况)', () => {
  it('lists a sub-region that received money but paid nothing, and shows 调剂 net', async () => {
    // The demo allocates 2,000,000 yuan from 衡阳市 to 衡阳县 (430421) on 5 January 2026; no payments.
    const from = await accountFor(database.db, '430421', 'training');
    const to = await accountFor(database.db, '430426', 'training');
    await postTransfers(database.db, SYSTEM_CONTEXT, {
      provinceCode: '430000',
      code: 'reallocation',
      description: '调剂',
      transfers: [
        {
          idempotencyId: 'disclosure-reallocation',
          debitAccountId: from.id,
          creditAccountId: to.id,
          amountFen: 30_000_000,
          code: 'reallocation',
          valueDate: '2026-02-10',
        },
      ],
    });
    const disclosure = await publicDisclosure(database.db, { regionCode: '430400', year: 2026 });
    const q1 = (code: string) =>
      disclosure.items.find((item) => item.regionCode === code && item.quarter === 1);
    expect(q1('430421')).toMatchObject({ allocatedFen: 200_000_000 - 30_000_000 });
    expect(q1('430426')).toMatchObject({ allocatedFen: 30_000_000 });
  });
});
