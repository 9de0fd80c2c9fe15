import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { countPendingRewrap, ENCRYPTED_COLUMNS, rewrapPersonalData } from '../../src/auth/rewrap.service.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { seedDemo } from '../../src/demo/demo.service.ts';
import { registeredAccount } from '../../src/ledger/payee-account.service.ts';
import { createPaymentBatch, disbursementRowKey } from '../../src/ledger/payment.service.ts';
import { getOrganisation, registerOrganisation } from '../../src/registry/organisation.service.ts';
import { findPersonByIdNumber, getPerson, registerPerson } from '../../src/registry/person.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { loadConfig } from '../../src/shared/config.ts';
import {
  blindIndex,
  decryptField,
  encryptField,
  generateKeyText,
  isRowBound,
  type Keyring,
  readKeyring,
} from '../../src/shared/crypto.ts';
import { setDataKeyring } from '../../src/shared/data-keyring.ts';
import {
  caller,
  completeClass,
  type Headers,
  publishHengyangCatalog,
  registerPayeeAccount,
  trainee,
} from '../scenarios/claim-support.ts';
import { creditCode, idNumber } from '../scenarios/training-helpers.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { createTestDatabase, isPostgresRun } from '../support/database.ts';

type RawRow = Record<string, unknown>;

async function rawRows(
  database: DatabaseHandle,
  table: 'person' | 'organisation' | 'claim' | 'payment_disbursement' | 'payee_account' | 'app_user',
): Promise<RawRow[]> {
  const { rows } = await sql<RawRow>`select * from ${sql.table(table)} order by id`.execute(database.db);
  return rows;
}

describe('personal data is stored encrypted (AES-256-GCM) with a blind index for ID numbers', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  const account = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000077777' };
  const trainees = [trainee('秦岚', '051'), trainee('何川', '063')];
  const contactPhone = '13700001111';
  const disbursementAccount = '6222020200033334444';
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    const school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, await harness.loginAs('hy_city'));
    const classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees,
      tag: 'AtRest',
    });
    clock.set('2021-05-24T01:00:00Z');
    const claim = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: account,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(claim.statusCode, claim.body).toBe(201);
    const enterprise = await call('POST', '/api/organisations', county, {
      kind: 'enterprise',
      regionCode: '430421',
      name: '衡阳县加密测试有限公司',
      creditCode: creditCode('91430421MA4L00077'),
      enterpriseSize: 'small',
      contactName: '刘联系',
      contactPhone,
    });
    expect(enterprise.statusCode, enterprise.body).toBe(201);
    // A payment copies the payee's account into the ledger's disbursement row (the batch is
    // posted by the service the checker's approval calls).
    await harness.database.db.transaction().execute((trx) =>
      createPaymentBatch(trx, SYSTEM_CONTEXT, {
        idempotencyId: 'at-rest-0001',
        valueDate: '2021-05-24',
        items: [
          {
            claimId: claim.json().id,
            payee: {
              type: 'person',
              id: trainees[0]!.personId!,
              name: '秦岚',
              bankAccount: disbursementAccount,
            },
            amountFen: 1_000,
            subAccount: 'training',
            regionCode: '430421',
          },
          {
            claimId: claim.json().id,
            payee: {
              type: 'person',
              id: trainees[1]!.personId!,
              name: '何川',
              bankAccount: '6222020200055556666',
            },
            amountFen: 1_000,
            subAccount: 'training',
            regionCode: '430421',
          },
        ],
      }),
    );
    // Two registered payee accounts (maker-checker), and a second claim row to copy into.
    const finance = await harness.loginAs('hy_finance');
    const checker = await harness.loginAs('hy_finance_checker');
    for (const [index, person] of trainees.entries()) {
      await registerPayeeAccount(harness, finance, checker, {
        payeeType: 'person',
        payeeId: person.personId!,
        accountNumber: `621700000000000${index}1`,
      });
    }
    await sql`
      insert into claim (province_code, claim_number, region_code, subsidy_kind, applicant_kind,
        applicant_organisation_id, application_date, payee_bank_name)
      select '430000', 'COPY-TARGET', '430421', 'training', 'institution', applicant_organisation_id,
        '2021-05-24', '中国银行' from claim where id = ${claim.json().id}`.execute(harness.database.db);
    // TOTP secrets as enrolment writes them: bound to their user's id (an account no test here
    // logs in with again).
    const user = await harness.database.db
      .selectFrom('app_user')
      .select('id')
      .where('login_name', '=', 'hy_city')
      .executeTakeFirstOrThrow();
    const totp = encryptField(
      loadConfig({}).dataKeyring,
      'app_user.totp_secret',
      'JBSWY3DPEHPK3PXP',
      String(user.id),
    );
    await harness.database.db
      .updateTable('app_user')
      .set({ totp_secret: totp, totp_pending_secret: totp })
      .where('id', '=', user.id)
      .execute();
  });
  afterAll(async () => harness.close());

  it('refuses, for every encrypted column, a ciphertext copied from one row to another of the column (associated data)', async () => {
    const keyring = loadConfig({}).dataKeyring;
    const db = harness.database.db;
    for (const spec of ENCRYPTED_COLUMNS) {
      const name = `${spec.table}.${spec.column}`;
      expect(spec.rowKeySql, `${name} is bound to its row`).toBeDefined();
      const { rows } = await sql<{ id: number; stored: string | null; row_key: string }>`
        select id, ${sql.ref(spec.column)} as stored, ${sql.raw(spec.rowKeySql!)} as row_key
        from ${sql.table(spec.table)} order by id`.execute(db);
      // A value written bound to its row by the code that writes the column…
      const source = rows.find((row) => row.stored !== null && isRowBound(row.stored));
      expect(source, `${name} has a bound value to copy`).toBeDefined();
      const target = rows.find((row) => row.row_key !== source!.row_key);
      expect(target, `${name} has a second row`).toBeDefined();
      // …decrypts with the row key rewrap computes in SQL…
      expect(decryptField(keyring, spec.context, source!.stored!, source!.row_key)).toEqual(
        expect.any(String),
      );
      // Copied into another row, it no longer decrypts there.
      expect(() => decryptField(keyring, spec.context, source!.stored!, target!.row_key), name).toThrow();
    }
  });

  it('a person or payee account whose ciphertext was copied from another row fails to read', async () => {
    const db = harness.database.db;
    const [first, second] = trainees;
    const saved = await sql<{ id: number; phone_ciphertext: string }>`
      select id, phone_ciphertext from person where id = ${second!.personId}`.execute(db);
    const savedAccount = await sql<{ id: number; account_ciphertext: string }>`
      select id, account_ciphertext from payee_account where payee_id = ${second!.personId} and is_current`.execute(
      db,
    );
    await sql`update person set phone_ciphertext = (select phone_ciphertext from person where id = ${first!.personId})
      where id = ${second!.personId}`.execute(db);
    expect((await getPerson(db, first!.personId!))?.phone).toMatch(/^1390000/);
    await expect(getPerson(db, second!.personId!)).rejects.toThrow();
    await sql`update payee_account set account_ciphertext = (select account_ciphertext from payee_account
        where payee_id = ${first!.personId} and is_current) where payee_id = ${second!.personId} and is_current`.execute(
      db,
    );
    expect((await registeredAccount(db, '430000', 'person', first!.personId!))?.accountNumber).toBe(
      '62170000000000001',
    );
    await expect(registeredAccount(db, '430000', 'person', second!.personId!)).rejects.toThrow();
    // Put back, for the other tests of this file.
    await sql`update person set phone_ciphertext = ${saved.rows[0]!.phone_ciphertext}
      where id = ${saved.rows[0]!.id}`.execute(db);
    await sql`update payee_account set account_ciphertext = ${savedAccount.rows[0]!.account_ciphertext}
      where id = ${savedAccount.rows[0]!.id}`.execute(db);
    expect((await getPerson(db, second!.personId!))?.phone).toMatch(/^1390000/);
  });

  it('checks every column of ENCRYPTED_COLUMNS here (a new encrypted column needs a check below)', () => {
    expect(ENCRYPTED_COLUMNS.map((spec) => `${spec.table}.${spec.column}`).sort()).toEqual(
      [
        'app_user.totp_pending_secret', // identity.db.test.ts (TOTP secrets)
        'app_user.totp_secret', // identity.db.test.ts (TOTP secrets)
        'claim.payee_bank_account_ciphertext',
        'organisation.contact_phone_ciphertext',
        'payment_disbursement.payee_bank_account',
        'payee_account.account_ciphertext',
        'person.id_number_ciphertext',
        'person.phone_ciphertext',
      ].sort(),
    );
  });

  it('keeps no plaintext ID number, phone or bank account in the stored rows', async () => {
    const keyring = loadConfig({}).dataKeyring;
    const persons = await rawRows(harness.database, 'person');
    const organisations = await rawRows(harness.database, 'organisation');
    const claims = await rawRows(harness.database, 'claim');
    const stored = JSON.stringify([persons, organisations, claims]);
    for (const person of trainees) {
      expect(stored).not.toContain(person.idNumber);
      expect(stored).not.toContain(`1390000${person.idNumber.slice(14, 17)}0`);
      const row = persons.find((candidate) => candidate.id === person.personId)!;
      expect(row.id_number).toBeNull();
      expect(row.phone).toBeNull();
      // Bound to its row (issue 18): the row id is part of the associated data.
      expect(row.id_number_ciphertext).toMatch(/^v2:demo:/);
      expect(row.id_number_hash).toBe(blindIndex(keyring, 'person.id_number', person.idNumber));
      expect(decryptField(keyring, 'person.phone', String(row.phone_ciphertext), String(row.id))).toMatch(
        /^1390000/,
      );
    }
    expect(stored).not.toContain(account.accountNumber);
    expect(stored).not.toContain(contactPhone);
    expect(claims.every((row) => row.payee_bank_account === null)).toBe(true);
    const claimRow = claims.filter((row) => row.payee_bank_account_ciphertext !== null).at(-1)!;
    expect(
      decryptField(
        keyring,
        'claim.payee_bank_account',
        String(claimRow.payee_bank_account_ciphertext),
        String(claimRow.id),
      ),
    ).toBe(account.accountNumber);
    const enterprise = organisations.find((row) => row.name === '衡阳县加密测试有限公司')!;
    expect(enterprise.contact_phone).toBeNull();
    expect(await getOrganisation(harness.database.db, Number(enterprise.id))).toMatchObject({ contactPhone });
    const disbursements = await rawRows(harness.database, 'payment_disbursement');
    expect(JSON.stringify(disbursements)).not.toContain(disbursementAccount);
    const firstPayee = disbursements.find((row) => Number(row.payee_id) === trainees[0]!.personId)!;
    const disbursement = String(firstPayee.payee_bank_account);
    // Bound to its row (issue 18): batch and payee are part of the associated data.
    expect(disbursement).toMatch(/^v2:demo:/);
    const rowKey = disbursementRowKey(firstPayee as never);
    expect(decryptField(keyring, 'payment_disbursement.payee_bank_account', disbursement, rowKey)).toBe(
      disbursementAccount,
    );
  });

  it('finds a person by ID number through the blind index and keeps one person per ID number nationwide', async () => {
    const [first] = trainees;
    const found = await findPersonByIdNumber(harness.database.db, first!.idNumber.toLowerCase());
    expect(found).toMatchObject({ id: first!.personId, idNumber: first!.idNumber, name: first!.name });
    const elsewhere = await call('POST', '/api/persons', await harness.loginAs('nj_county'), {
      name: first!.name,
      idNumber: first!.idNumber,
      registeringRegionCode: '320102',
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(409);
  });
});

function keyringOf(dataKey: string, retired: string[], indexKey: string): Keyring {
  return readKeyring(
    {
      SKILLFUND_DATA_KEY: dataKey,
      SKILLFUND_DATA_KEYS_RETIRED: retired.join(','),
      SKILLFUND_INDEX_KEY: indexKey,
    },
    false,
  );
}

describe('skillfund security rewrap: legacy plaintext and key rotation', () => {
  const indexKey = Buffer.alloc(32, 7).toString('base64');
  const first = generateKeyText('k1');
  const second = generateKeyText('k2');
  const legacyIdNumber = idNumber('430421', '19700101', '081');
  const legacyPhone = '13811112222';
  const legacyAccount = '6222020000000000888';
  let database: DatabaseHandle;
  let legacyPersonId: number;
  let newPersonId: number;
  let organisationId: number;

  const ciphertexts = async () => {
    const persons = await rawRows(database, 'person');
    const organisations = await rawRows(database, 'organisation');
    const claims = await rawRows(database, 'claim');
    return [
      ...persons.flatMap((row) => [row.id_number_ciphertext, row.phone_ciphertext]),
      ...organisations.map((row) => row.contact_phone_ciphertext),
      ...claims.map((row) => row.payee_bank_account_ciphertext),
    ].filter((value): value is string => typeof value === 'string');
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    setDataKeyring(keyringOf(first, [], indexKey));
    await seedDemo(database.db);
    // Rows as they stood before migration 20261123150000: plaintext in the legacy columns.
    const { rows } = await sql<{ id: number }>`
      insert into person (province_code, registering_region_code, id_number, name, sex, birth_date, phone)
      values ('430000', '430421', ${legacyIdNumber}, '旧数据', 'male', '1970-01-01', ${legacyPhone})
      returning id`.execute(database.db);
    legacyPersonId = Number(rows[0]!.id);
    const organisation = await registerOrganisation(database.db, SYSTEM_CONTEXT, {
      kind: 'enterprise',
      regionCode: '430421',
      name: '衡阳县旧数据有限公司',
      creditCode: creditCode('91430421MA4L00088'),
      enterpriseSize: 'small',
    });
    organisationId = organisation.id;
    await sql`update organisation set contact_phone = ${legacyPhone} where id = ${organisationId}`.execute(
      database.db,
    );
    await sql`
      insert into claim (province_code, claim_number, region_code, subsidy_kind, applicant_kind,
        applicant_organisation_id, application_date, payee_bank_name, payee_bank_account)
      values ('430000', 'LEGACY-1', '430421', 'training', 'enterprise', ${organisationId}, '2021-05-24',
        '中国银行', ${legacyAccount})`.execute(database.db);
    const registered = await registerPerson(database.db, SYSTEM_CONTEXT, {
      name: '新数据',
      idNumber: idNumber('430421', '19800202', '093'),
      registeringRegionCode: '430421',
      phone: '13922223333',
    });
    newPersonId = registered.id;
  });
  afterAll(async () => {
    setDataKeyring(loadConfig({}).dataKeyring);
    await database.close();
  });

  it('reads and finds rows not yet encrypted, and refuses a second registration of their ID number', async () => {
    expect(await getPerson(database.db, legacyPersonId)).toMatchObject({
      idNumber: legacyIdNumber,
      phone: legacyPhone,
    });
    expect((await findPersonByIdNumber(database.db, legacyIdNumber))?.id).toBe(legacyPersonId);
    await expect(
      registerPerson(database.db, SYSTEM_CONTEXT, {
        name: '旧数据',
        idNumber: legacyIdNumber,
        registeringRegionCode: '430421',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await getOrganisation(database.db, organisationId))?.contactPhone).toBe(legacyPhone);
  });

  it('encrypts the legacy plaintext and binds older ciphertexts to their rows, then leaves nothing pending', async () => {
    const keyring = keyringOf(first, [], indexKey);
    // A value as written before the ciphertexts were bound to their rows (v1: column only): it
    // still reads, and rewrap binds it.
    const unbound = encryptField(keyring, 'person.phone', '13933334444');
    await sql`update person set phone_ciphertext = ${unbound} where id = ${newPersonId}`.execute(database.db);
    expect((await getPerson(database.db, newPersonId))?.phone).toBe('13933334444');
    const counts = await rewrapPersonalData(database.db, SYSTEM_CONTEXT, keyring, { batchSize: 2 });
    const byColumn = Object.fromEntries(counts.map((count) => [`${count.table}.${count.column}`, count]));
    expect(byColumn['person.id_number_ciphertext']).toMatchObject({ encrypted: 1, rewrapped: 0 });
    expect(byColumn['person.phone_ciphertext']).toMatchObject({ encrypted: 1, rewrapped: 1 });
    expect(byColumn['organisation.contact_phone_ciphertext']).toMatchObject({ encrypted: 1 });
    expect(byColumn['claim.payee_bank_account_ciphertext']).toMatchObject({ encrypted: 1 });
    const stored = JSON.stringify([
      await rawRows(database, 'person'),
      await rawRows(database, 'organisation'),
      await rawRows(database, 'claim'),
    ]);
    for (const plaintext of [legacyIdNumber, legacyPhone, legacyAccount])
      expect(stored).not.toContain(plaintext);
    const [person] = (await rawRows(database, 'person')).filter((row) => Number(row.id) === legacyPersonId);
    expect(person!.id_number_hash).toBe(blindIndex(keyring, 'person.id_number', legacyIdNumber));
    expect((await countPendingRewrap(database.db, keyring)).every((item) => item.pending === 0)).toBe(true);
    expect((await findPersonByIdNumber(database.db, legacyIdNumber))?.id).toBe(legacyPersonId);
    expect(await getPerson(database.db, legacyPersonId)).toMatchObject({ phone: legacyPhone });
    const [rebound] = (await rawRows(database, 'person')).filter((row) => Number(row.id) === newPersonId);
    expect(String(rebound!.phone_ciphertext)).toMatch(/^v2:k1:/);
    expect((await getPerson(database.db, newPersonId))?.phone).toBe('13933334444');
  });

  it('rotates every ciphertext to the new key, after which the retired key can be removed', async () => {
    const rotating = keyringOf(second, [first], indexKey);
    setDataKeyring(rotating);
    // During rotation old values still decrypt and new writes use the new key.
    expect((await getPerson(database.db, newPersonId))?.phone).toBe('13933334444');
    const pending = await countPendingRewrap(database.db, rotating);
    expect(pending.reduce((sum, item) => sum + item.pending, 0)).toBeGreaterThanOrEqual(6);
    const counts = await rewrapPersonalData(database.db, SYSTEM_CONTEXT, rotating);
    expect(counts.reduce((sum, count) => sum + count.rewrapped, 0)).toBe(
      pending.reduce((sum, item) => sum + item.pending, 0),
    );
    const all = await ciphertexts();
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.every((value) => value.startsWith('v2:k2:'))).toBe(true);

    setDataKeyring(keyringOf(second, [], indexKey));
    expect(await getPerson(database.db, legacyPersonId)).toMatchObject({
      idNumber: legacyIdNumber,
      phone: legacyPhone,
    });
    expect((await findPersonByIdNumber(database.db, legacyIdNumber))?.id).toBe(legacyPersonId);
    expect((await getOrganisation(database.db, organisationId))?.contactPhone).toBe(legacyPhone);
    const claim = (await rawRows(database, 'claim')).find((row) => row.claim_number === 'LEGACY-1')!;
    expect(
      decryptField(
        keyringOf(second, [], indexKey),
        'claim.payee_bank_account',
        String(claim.payee_bank_account_ciphertext),
        String(claim.id),
      ),
    ).toBe(legacyAccount);
    // A second run finds nothing to do.
    const again = await rewrapPersonalData(database.db, SYSTEM_CONTEXT, keyringOf(second, [], indexKey));
    expect(again.every((count) => count.encrypted === 0 && count.rewrapped === 0)).toBe(true);
    const { rows } = await sql<{ n: string | number }>`
      select count(*) as n from audit_log where action = 'security.rewrap'`.execute(database.db);
    expect(Number(rows[0]!.n)).toBe(3);
  });

  it('fails, changing nothing further, when a ciphertext was written under a key that is not configured', async () => {
    await expect(
      rewrapPersonalData(database.db, SYSTEM_CONTEXT, keyringOf(generateKeyText('k3'), [], indexKey)),
    ).rejects.toThrow(/data key "k2" is not configured/);
  });
});

describe.skipIf(isPostgresRun())('skillfund security rewrap (command line)', () => {
  it('encrypts an embedded database and then reports nothing pending', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-rewrap-'));
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.resolve('bin/skillfund.js'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SKILLFUND_DATA_DIR: dataDir },
      });
    try {
      const rewrap = run(['security', 'rewrap']);
      expect(rewrap.status, rewrap.stderr).toBe(0);
      expect(rewrap.stdout).toMatch(/person\.id_number_ciphertext: 0 encrypted, 0 rewrapped/);
      const check = run(['security', 'rewrap', '--check']);
      expect(check.status, check.stderr).toBe(0);
      expect(check.stdout).toMatch(/every value is encrypted under key "demo"/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
