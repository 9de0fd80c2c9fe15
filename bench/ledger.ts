/**
 * Ledger throughput on PostgreSQL: transfers/second for single postings (one transfer per
 * journal, 20 concurrent clients) and batched postings (journals of 100 transfers). Creates its
 * own throwaway database next to DATABASE_URL and drops it afterwards.
 *
 *   npx tsx bench/ledger.ts            (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYSTEM_CONTEXT } from '../src/auth/audit.service.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import {
  accountFor,
  ensureAccounts,
  postTransfers,
  type TransferInput,
} from '../src/ledger/transfer.service.ts';
import { verifyLedger } from '../src/ledger/verify.service.ts';
import { upsertRegions } from '../src/registry/region.service.ts';
import { DEMO_REGIONS } from '../src/registry/regions.data.ts';
import { throwawayDatabase } from './support.ts';

const CONCURRENCY = 20;
const SINGLE_POSTINGS = Number(process.env.BENCH_SINGLE ?? 4000);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 200);
const BATCH_SIZE = 100;
const COUNTIES = ['430405', '430406', '430421', '430481', '430102'];

async function runPool(count: number, work: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await work(index);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  const throwaway = await throwawayDatabase('ledger');
  const database = await openDatabase({ databaseUrl: throwaway.url, poolSize: CONCURRENCY });
  try {
    await migrate(database);
    const db = database.db;
    await upsertRegions(db, DEMO_REGIONS);
    await ensureAccounts(db, COUNTIES);
    const accounts: { training: number; bank: number }[] = [];
    for (const county of COUNTIES) {
      const ui = await accountFor(db, county, 'ui_fund_source');
      const special = await accountFor(db, county, 'special');
      const training = await accountFor(db, county, 'training');
      const bank = await accountFor(db, county, 'bank');
      await postTransfers(db, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'appropriation',
        description: 'bench funding',
        transfers: [
          {
            idempotencyId: `fund-${county}`,
            debitAccountId: ui.id,
            creditAccountId: special.id,
            amountFen: 1e12,
            code: 'appropriation',
            valueDate: '2026-01-02',
          },
          {
            idempotencyId: `budget-${county}`,
            debitAccountId: special.id,
            creditAccountId: training.id,
            amountFen: 1e12,
            code: 'allocation',
            valueDate: '2026-01-02',
          },
        ],
      });
      accounts.push({ training: training.id, bank: bank.id });
    }
    const transfer = (key: string, index: number): TransferInput => {
      const pair = accounts[index % accounts.length]!;
      return {
        idempotencyId: key,
        debitAccountId: pair.training,
        creditAccountId: pair.bank,
        amountFen: 100 + (index % 97),
        code: 'disbursement',
        valueDate: '2026-01-10',
        claimId: index + 1,
      };
    };

    let started = performance.now();
    await runPool(SINGLE_POSTINGS, (index) =>
      postTransfers(db, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'disbursement',
        description: 'bench single',
        transfers: [transfer(`single-${index}`, index)],
      }),
    );
    const singleSeconds = (performance.now() - started) / 1000;
    const singleRate = SINGLE_POSTINGS / singleSeconds;
    process.stdout.write(
      `single postings : ${SINGLE_POSTINGS} transfers in ${singleSeconds.toFixed(2)} s = ${singleRate.toFixed(0)} transfers/s (${CONCURRENCY} concurrent, 1 transfer/journal)\n`,
    );

    started = performance.now();
    await runPool(BATCHES, (batch) =>
      postTransfers(db, SYSTEM_CONTEXT, {
        provinceCode: '430000',
        code: 'disbursement',
        description: 'bench batch',
        transfers: Array.from({ length: BATCH_SIZE }, (_, item) =>
          transfer(`batch-${batch}-${item}`, batch * BATCH_SIZE + item),
        ),
      }),
    );
    const batchSeconds = (performance.now() - started) / 1000;
    const batchRate = (BATCHES * BATCH_SIZE) / batchSeconds;
    process.stdout.write(
      `batched postings: ${BATCHES * BATCH_SIZE} transfers in ${batchSeconds.toFixed(2)} s = ${batchRate.toFixed(0)} transfers/s (${CONCURRENCY} concurrent, ${BATCH_SIZE} transfers/journal)\n`,
    );

    // The bench times the posting engine with raw disbursement transfers that no claim line backs,
    // so verify's business checks (every disbursement traces to an approved line) fail by design;
    // its arithmetic invariants must all hold.
    const verification = await verifyLedger(db);
    const broken = verification.checks.filter((check) => check.category === 'arithmetic' && !check.isPassed);
    if (broken.length > 0) throw new Error(`ledger verify failed after the bench: ${JSON.stringify(broken)}`);
    const result = {
      bench: 'ledger',
      at: new Date().toISOString(),
      host: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}`.trim(),
      concurrency: CONCURRENCY,
      singleTransfers: SINGLE_POSTINGS,
      singleTransfersPerSecond: Math.round(singleRate),
      batchedTransfers: BATCHES * BATCH_SIZE,
      batchSize: BATCH_SIZE,
      batchedTransfersPerSecond: Math.round(batchRate),
      verified: true,
    };
    const resultsDir = path.join(import.meta.dirname, 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.appendFileSync(path.join(resultsDir, 'ledger.jsonl'), `${JSON.stringify(result)}\n`);
    process.stdout.write(
      `ledger bench: single ${result.singleTransfersPerSecond} transfers/s, batched ${result.batchedTransfersPerSecond} transfers/s (batch ${BATCH_SIZE}, ${CONCURRENCY} clients, PostgreSQL, verify ok)\n`,
    );
  } finally {
    await database.close();
    await throwaway.drop();
  }
}

await main();
