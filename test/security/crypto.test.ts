import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/shared/config.ts';
import {
  blindIndex,
  decryptField,
  encryptField,
  findUnmaskedPii,
  maskBankAccount,
  maskIdNumber,
  maskPhone,
  maskPiiDeep,
  maskPiiText,
  needsRewrap,
  readKeyring,
  rewrapField,
} from '../../src/shared/crypto.ts';
import { TEST_KEYS } from './security-app.ts';

const OLD_KEY = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const NEW_KEY = `k2:${Buffer.alloc(32, 2).toString('base64')}`;

describe('personal-data encryption (AES-256-GCM with key ids)', () => {
  const keyring = readKeyring(TEST_KEYS, false);

  it('round-trips any text and never repeats a ciphertext', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const stored = encryptField(keyring, 'person.id_number', text);
        expect(stored.startsWith('v1:t1:')).toBe(true);
        expect(decryptField(keyring, 'person.id_number', stored)).toBe(text);
      }),
    );
    const id = '320102199001011234';
    expect(encryptField(keyring, 'person.id_number', id)).not.toBe(
      encryptField(keyring, 'person.id_number', id),
    );
  });

  it('refuses an altered ciphertext, another column, and another key', () => {
    const stored = encryptField(keyring, 'person.id_number', '320102199001011234');
    const parts = stored.split(':');
    const flipped = Buffer.from(parts[3]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    parts[3] = flipped.toString('base64url');
    expect(() => decryptField(keyring, 'person.id_number', parts.join(':'))).toThrow();
    expect(() => decryptField(keyring, 'person.phone', stored)).toThrow();
    const other = readKeyring({ ...TEST_KEYS, SKILLFUND_DATA_KEY: NEW_KEY }, false);
    expect(() => decryptField(other, 'person.id_number', stored)).toThrow(/t1/);
  });

  it('rotates: the new key encrypts, retired keys still decrypt, rewrap moves data to the new key', () => {
    const before = readKeyring({ ...TEST_KEYS, SKILLFUND_DATA_KEY: OLD_KEY }, false);
    const stored = encryptField(before, 'person.phone', '13812345678');
    const after = readKeyring(
      { ...TEST_KEYS, SKILLFUND_DATA_KEY: NEW_KEY, SKILLFUND_DATA_KEYS_RETIRED: OLD_KEY },
      false,
    );
    expect(decryptField(after, 'person.phone', stored)).toBe('13812345678');
    expect(needsRewrap(after, stored)).toBe(true);
    const rewrapped = rewrapField(after, 'person.phone', stored);
    expect(rewrapped.startsWith('v1:k2:')).toBe(true);
    expect(needsRewrap(after, rewrapped)).toBe(false);
  });

  it('blind index: stable per key and purpose, normalised, unlike a plain hash', () => {
    const a = blindIndex(keyring, 'person.id_number', '32010219900101123x');
    expect(blindIndex(keyring, 'person.id_number', ' 32010219900101123X ')).toBe(a);
    expect(blindIndex(keyring, 'person.phone', '32010219900101123X')).not.toBe(a);
    const otherKey = readKeyring(
      { ...TEST_KEYS, SKILLFUND_INDEX_KEY: Buffer.alloc(32, 3).toString('base64') },
      false,
    );
    expect(blindIndex(otherKey, 'person.id_number', '32010219900101123X')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('key configuration', () => {
  it('derives demo keys only in demo mode', () => {
    expect(loadConfig({}).dataKeyring.isDemoKeyring).toBe(true);
    expect(() => loadConfig({ SKILLFUND_DEMO: 'false' })).toThrow(ConfigError);
    expect(() => loadConfig({ SKILLFUND_DEMO: 'false' })).toThrow(/SKILLFUND_DATA_KEY/);
    expect(() =>
      loadConfig({ SKILLFUND_DEMO: 'false', SKILLFUND_DATA_KEY: TEST_KEYS.SKILLFUND_DATA_KEY }),
    ).toThrow(/SKILLFUND_INDEX_KEY/);
    expect(loadConfig({ SKILLFUND_DEMO: 'false', ...TEST_KEYS }).dataKeyring.current.id).toBe('t1');
  });

  it.each([
    [{ SKILLFUND_DATA_KEY: 'no-colon' }, 'SKILLFUND_DATA_KEY'],
    [{ SKILLFUND_DATA_KEY: `k1:${Buffer.alloc(16).toString('base64')}` }, 'SKILLFUND_DATA_KEY'],
    [
      { SKILLFUND_DATA_KEYS_RETIRED: `t1:${Buffer.alloc(32).toString('base64')}` },
      'SKILLFUND_DATA_KEYS_RETIRED',
    ],
    [{ SKILLFUND_INDEX_KEY: 'c2hvcnQ=' }, 'SKILLFUND_INDEX_KEY'],
    [{ SKILLFUND_SESSION_IDLE_MINUTES: '0' }, 'SKILLFUND_SESSION_IDLE_MINUTES'],
    [{ SKILLFUND_SESSION_ABSOLUTE_MINUTES: 'forever' }, 'SKILLFUND_SESSION_ABSOLUTE_MINUTES'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig({ SKILLFUND_DEMO: 'false', ...TEST_KEYS, ...env })).toThrow(
      expect.objectContaining({ name: 'ConfigError', variable }),
    );
  });
});

describe('masking', () => {
  it('masks ID numbers, phones and bank accounts as the UI shows them', () => {
    expect(maskIdNumber('320102199001011234')).toBe('3201**********1234');
    expect(maskIdNumber('32010219900101123X')).toBe('3201**********123X');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskBankAccount('6222 0212 3456 7890 123')).toBe('6222***********0123');
  });

  it('masks personal data anywhere in free text and nested values', () => {
    const line = '{"msg":"lookup 320102199001011234 tel 13812345678","reqId":"a13812345678b"}';
    const masked = maskPiiText(line);
    expect(masked).toContain('3201**********1234');
    expect(masked).toContain('138****5678');
    expect(findUnmaskedPii(masked)).toEqual([]);
    expect(maskPiiDeep({ a: ['13812345678', { b: '320102199001011234' }], n: 13812345678 })).toEqual({
      a: ['138****5678', { b: '3201**********1234' }],
      n: 13812345678,
    });
  });

  it('finds ID numbers and mobiles but not timestamps, hashes or ids', () => {
    expect(findUnmaskedPii('id 32010219900101123X, tel:13812345678')).toEqual([
      '32010219900101123X',
      '13812345678',
    ]);
    expect(findUnmaskedPii('time 1732350000000 hash 9f13812345678e uuid 138123456789')).toEqual([]);
  });
});
