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

/** Encrypts an optional value for a `*_ciphertext` column (null stays null). */
export function encryptOptional(context: string, value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : encryptField(dataKeyring(), context, value);
}

/**
 * Reads an encrypted column. Rows written before migration 20261123150000 keep their value in
 * the legacy plaintext column until `skillfund security rewrap` encrypts it; until then that
 * value is returned.
 */
export function decryptStored(
  context: string,
  ciphertext: string | null,
  legacyPlaintext: string | null = null,
): string | null {
  return ciphertext === null ? legacyPlaintext : decryptField(dataKeyring(), context, ciphertext);
}
