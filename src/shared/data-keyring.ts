import { loadConfig } from './config.ts';
import { decryptField, encryptField, type Keyring } from './crypto.ts';

/**
 * The keyring that encrypts personal data at rest, held once per process so repositories need
 * no extra parameter. `buildApp` sets it from its configuration; the CLI and tests that never
 * build an app get the keyring of the process environment (the same `loadConfig()` the CLI
 * uses), read on first use. Outside demo mode without keys that read fails with a ConfigError.
 */
let configuredKeyring: Keyring | undefined;

/** Sets the keyring used by every repository that stores personal data (once at start). */
export function setDataKeyring(keyring: Keyring): void {
  configuredKeyring = keyring;
}

/** The keyring in force; falls back to the process environment's configuration. */
export function dataKeyring(): Keyring {
  configuredKeyring ??= loadConfig().dataKeyring;
  return configuredKeyring;
}

/**
 * Encrypts an optional value for a `*_ciphertext` column (null stays null), bound to its row
 * when `rowKey` is given (`rowKeyOf`: a ciphertext copied into another row then fails to decrypt).
 */
export function encryptOptional(
  context: string,
  value: string | null | undefined,
  rowKey?: string,
): string | null {
  return value === null || value === undefined ? null : encryptField(dataKeyring(), context, value, rowKey);
}

/**
 * The row key a ciphertext of a table addressed by id is bound to: the row's id (one identity
 * sequence per table, so unique in the table; the context names table and column). The SQL
 * twin in `ENCRYPTED_COLUMNS` (src/auth/rewrap.service.ts) is `id::text`.
 */
export function rowKeyOf(id: number): string {
  return String(id);
}

/**
 * Reads an encrypted column. Rows written before migration 20261123150000 keep their value in
 * the legacy plaintext column until `skillfund security rewrap` encrypts it; until then that
 * value is returned. A row-bound ciphertext needs its `rowKey`.
 */
export function decryptStored(
  context: string,
  ciphertext: string | null,
  legacyPlaintext: string | null = null,
  rowKey?: string,
): string | null {
  return ciphertext === null ? legacyPlaintext : decryptField(dataKeyring(), context, ciphertext, rowKey);
}
