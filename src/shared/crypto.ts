import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { ConfigError } from './config-error.ts';

/**
 * Field-level protection of personal data (ID numbers, phones, bank accounts):
 * AES-256-GCM encryption with key ids for rotation, a keyed HMAC-SHA256 blind index for exact
 * lookup, and the masks used in lists, exports, notices and logs. See docs/security.md.
 */

/** One AES-256 key and the id written in front of every ciphertext it produced. */
export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The keys from configuration: `current` encrypts; every key (current and retired) decrypts. */
export interface Keyring {
  readonly current: DataKey;
  readonly keys: ReadonlyMap<string, Buffer>;
  /** The HMAC key of the blind index; kept apart from the data keys and not rotated in place. */
  readonly indexKey: Buffer;
  /** True when the keys were derived from public constants (demo mode only). */
  readonly isDemoKeyring: boolean;
}

const CIPHERTEXT_VERSION = 'v1';
/** A ciphertext bound to its row as well as its column (issue 18): AAD = context ‖ NUL ‖ row key. */
const ROW_BOUND_VERSION = 'v2';

function associatedData(context: string, rowKey: string | undefined): Buffer {
  return Buffer.from(rowKey === undefined ? context : `${context}\u0000${rowKey}`, 'utf8');
}
const KEY_ID_PATTERN = /^[a-z0-9_-]{1,16}$/;
const DEMO_DATA_KEY_ID = 'demo';

function demoKey(purpose: string): Buffer {
  // Derived from a public constant on purpose: the demo has nothing secret to protect, and the
  // same database must stay readable across restarts without any configuration.
  return createHash('sha256').update(`skillfund-demo-${purpose}-key-v1`).digest();
}

function parseKey(variable: string, text: string): DataKey {
  const separator = text.indexOf(':');
  const id = separator > 0 ? text.slice(0, separator).trim() : '';
  if (!KEY_ID_PATTERN.test(id)) {
    throw new ConfigError(
      variable,
      'must be "<key id>:<base64 of 32 random bytes>", key id [a-z0-9_-]{1,16}',
    );
  }
  const key = Buffer.from(text.slice(separator + 1).trim(), 'base64');
  if (key.length !== 32)
    throw new ConfigError(variable, `key "${id}" must decode to 32 bytes, got ${key.length}`);
  return { id, key };
}

function parseIndexKey(raw: string | undefined, isDemoMode: boolean): Buffer {
  if (raw === undefined || raw.trim() === '') {
    if (!isDemoMode)
      throw new ConfigError('SKILLFUND_INDEX_KEY', 'is required outside demo mode (base64 of 32 bytes)');
    return demoKey('index');
  }
  const key = Buffer.from(raw.trim(), 'base64');
  if (key.length !== 32)
    throw new ConfigError('SKILLFUND_INDEX_KEY', `must decode to 32 bytes, got ${key.length}`);
  if (!isDemoMode && key.equals(demoKey('index'))) {
    throw new ConfigError('SKILLFUND_INDEX_KEY', 'the published demo key is refused outside demo mode');
  }
  return key;
}

/**
 * Reads SKILLFUND_DATA_KEY (`id:base64`, the key that encrypts), SKILLFUND_DATA_KEYS_RETIRED
 * (comma-separated `id:base64`, still decrypt) and SKILLFUND_INDEX_KEY (base64). Outside demo
 * mode the keys are required and the demo keys are refused; throws ConfigError naming the variable.
 */
export function readKeyring(env: Record<string, string | undefined>, isDemoMode: boolean): Keyring {
  const raw = env.SKILLFUND_DATA_KEY;
  let current: DataKey;
  if (raw === undefined || raw.trim() === '') {
    if (!isDemoMode)
      throw new ConfigError(
        'SKILLFUND_DATA_KEY',
        'is required outside demo mode ("<key id>:<base64 of 32 bytes>")',
      );
    current = { id: DEMO_DATA_KEY_ID, key: demoKey('data') };
  } else {
    current = parseKey('SKILLFUND_DATA_KEY', raw);
    if (!isDemoMode && current.key.equals(demoKey('data'))) {
      throw new ConfigError('SKILLFUND_DATA_KEY', 'the published demo key is refused outside demo mode');
    }
  }
  const keys = new Map<string, Buffer>([[current.id, current.key]]);
  for (const item of (env.SKILLFUND_DATA_KEYS_RETIRED ?? '')
    .split(',')
    .filter((text) => text.trim() !== '')) {
    const retired = parseKey('SKILLFUND_DATA_KEYS_RETIRED', item);
    if (keys.has(retired.id))
      throw new ConfigError('SKILLFUND_DATA_KEYS_RETIRED', `key id "${retired.id}" appears twice`);
    keys.set(retired.id, retired.key);
  }
  return Object.freeze({
    current,
    keys,
    indexKey: parseIndexKey(env.SKILLFUND_INDEX_KEY, isDemoMode),
    isDemoKeyring: current.id === DEMO_DATA_KEY_ID,
  });
}

/** A fresh key in the configuration format, for `skillfund keys generate`. */
export function generateKeyText(id: string): string {
  if (!KEY_ID_PATTERN.test(id)) throw new Error('key id must match [a-z0-9_-]{1,16}');
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/**
 * Encrypts one field value. `context` names the column (e.g. 'person.id_number') and is bound
 * as additional authenticated data, so a ciphertext copied into another column fails to decrypt.
 * Result: `v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url parts), safe to store in a text column.
 */
export function encryptField(keyring: Keyring, context: string, plaintext: string, rowKey?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.key, iv);
  cipher.setAAD(associatedData(context, rowKey));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
  return [rowKey === undefined ? CIPHERTEXT_VERSION : ROW_BOUND_VERSION, keyring.current.id, ...parts].join(
    ':',
  );
}

/** True when the stored value is bound to its row (`encryptField` with a row key). */
export function isRowBound(stored: string): boolean {
  return stored.startsWith(`${ROW_BOUND_VERSION}:`);
}

/** The key id a stored ciphertext was written with. */
export function ciphertextKeyId(stored: string): string {
  const parts = stored.split(':');
  if (parts.length !== 5 || (parts[0] !== CIPHERTEXT_VERSION && parts[0] !== ROW_BOUND_VERSION))
    throw new Error('not a SkillFund field ciphertext');
  return parts[1]!;
}

/**
 * Decrypts a value of `encryptField`; a wrong key, context, row or altered text throws. A value
 * bound to a row decrypts only with that row's key: a ciphertext copied into another row fails.
 * An unbound (v1) value written before its column was bound still decrypts with the column alone
 * until `skillfund security rewrap` binds it.
 */
export function decryptField(keyring: Keyring, context: string, stored: string, rowKey?: string): string {
  const keyId = ciphertextKeyId(stored);
  const key = keyring.keys.get(keyId);
  if (!key) throw new Error(`data key "${keyId}" is not configured (add it to SKILLFUND_DATA_KEYS_RETIRED)`);
  const [, , iv, ciphertext, tag] = stored.split(':') as [string, string, string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  if (isRowBound(stored) && rowKey === undefined)
    throw new Error(`${context}: a row-bound ciphertext needs its row key`);
  decipher.setAAD(associatedData(context, isRowBound(stored) ? rowKey : undefined));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}

/** True when the value was encrypted with a key other than the current one (rotation pending). */
export function needsRewrap(keyring: Keyring, stored: string): boolean {
  return ciphertextKeyId(stored) !== keyring.current.id;
}

/**
 * Re-encrypts a stored value under the current key (used while rotating keys), and binds it to
 * its row when a row key is given and it is not bound yet.
 */
export function rewrapField(keyring: Keyring, context: string, stored: string, rowKey?: string): string {
  const needsBinding = rowKey !== undefined && !isRowBound(stored);
  return needsRewrap(keyring, stored) || needsBinding
    ? encryptField(keyring, context, decryptField(keyring, context, stored, rowKey), rowKey)
    : stored;
}

/**
 * The keyed blind index of a value: HMAC-SHA256(indexKey, purpose ‖ normalised value), hex.
 * Store it beside the ciphertext and look rows up by it; without the key it reveals nothing,
 * unlike a plain hash of an ID number (whose space is small enough to enumerate).
 */
export function blindIndex(keyring: Keyring, purpose: string, value: string): string {
  const normalised = value.trim().toUpperCase().replace(/[\s-]/g, '');
  return createHmac('sha256', keyring.indexKey).update(`${purpose}\u0000${normalised}`, 'utf8').digest('hex');
}

function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return `${value.slice(0, keepStart)}${'*'.repeat(value.length - keepStart - keepEnd)}${value.slice(-keepEnd)}`;
}

/** `320102199001011234` → `3201**********1234` (also for 15-digit legacy numbers). */
export function maskIdNumber(idNumber: string): string {
  return maskMiddle(idNumber.trim(), 4, 4);
}

/** `13812345678` → `138****5678`. */
export function maskPhone(phone: string): string {
  return maskMiddle(phone.trim(), 3, 4);
}

/** `6222021234567890123` → `6222***********0123`. */
export function maskBankAccount(account: string): string {
  return maskMiddle(account.replace(/\s/g, ''), 4, 4);
}

/** `张三丰` → `张*丰`, `周敏` → `周*`, `欧阳娜娜` → `欧**娜`: the surname initial and, from three characters, the last stay. */
export function maskName(name: string): string {
  const characters = [...name.trim()];
  if (characters.length <= 1) return '*';
  if (characters.length === 2) return `${characters[0]}*`;
  return `${characters[0]}${'*'.repeat(characters.length - 2)}${characters.at(-1)}`;
}

/**
 * An 18-character resident ID number (with plausible birth date) or an 11-digit mobile number,
 * not part of a longer run of letters or digits. Used to find personal data in free text.
 */
export const ID_NUMBER_IN_TEXT =
  /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
export const MOBILE_IN_TEXT = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;

// Looser patterns for masking log lines: any 17 digits + check character, any 11-digit 1x number.
const ID_LIKE_FOR_MASKING = /(?<!\d)\d{17}[\dXx](?![\dA-Za-z])/g;
const MOBILE_LIKE_FOR_MASKING = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Masks every ID-number-like and mobile-like run in free text (log lines, error messages). */
export function maskPiiText(text: string): string {
  return text
    .replace(ID_LIKE_FOR_MASKING, (match) => maskIdNumber(match))
    .replace(MOBILE_LIKE_FOR_MASKING, (match) => maskPhone(match));
}

/** Masks personal data in every string of a JSON-like value (audit states shown to auditors). */
export function maskPiiDeep<T>(value: T): T {
  if (typeof value === 'string') return maskPiiText(value) as T;
  if (Array.isArray(value)) return value.map((item) => maskPiiDeep(item)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskPiiDeep(item)])) as T;
  }
  return value;
}

/** Every unmasked ID number or mobile number in the text (empty when clean). */
export function findUnmaskedPii(text: string): string[] {
  return [...(text.match(ID_NUMBER_IN_TEXT) ?? []), ...(text.match(MOBILE_IN_TEXT) ?? [])];
}
