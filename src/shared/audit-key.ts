import { createHash, createHmac } from 'node:crypto';
import { ConfigError } from './config-error.ts';

/**
 * The key of the audit trail's hash chain (issue 18, finding 6). Each entry's hash is
 * HMAC-SHA256(key, previous hash ‖ entry), so someone who can write the database but does not
 * hold the key cannot re-chain the trail after an edit. The key comes from configuration
 * (SKILLFUND_AUDIT_KEY = `<id>:<base64 of 32 bytes>`), never from the database.
 */
export interface AuditKey {
  readonly id: string;
  readonly key: Buffer;
  /** True for the published demo key (demo mode only): it protects nothing. */
  readonly isDemoKey: boolean;
}

/** The id of the published demo audit key: a demo chain is keyed, but anyone can re-chain it. */
export const DEMO_AUDIT_KEY_ID = 'demo-audit';

const KEY_PATTERN = /^([a-z0-9_-]{1,16}):([A-Za-z0-9+/]{43}=)$/;

function demoAuditKey(): Buffer {
  // DEMO ONLY: derived from a public constant so the demo runs without configuration. Refused
  // outside demo mode.
  return createHash('sha256').update('skillfund-demo-audit-key-v1').digest();
}

/** Reads SKILLFUND_AUDIT_KEY: required outside demo mode, where the demo key is refused. */
export function readAuditKey(env: Record<string, string | undefined>, isDemoMode: boolean): AuditKey {
  const raw = env.SKILLFUND_AUDIT_KEY?.trim();
  if (!raw) {
    if (!isDemoMode)
      throw new ConfigError(
        'SKILLFUND_AUDIT_KEY',
        'is required outside demo mode ("<key id>:<base64 of 32 bytes>")',
      );
    return Object.freeze({ id: DEMO_AUDIT_KEY_ID, key: demoAuditKey(), isDemoKey: true });
  }
  const match = KEY_PATTERN.exec(raw);
  if (!match) throw new ConfigError('SKILLFUND_AUDIT_KEY', 'must be "<key id>:<base64 of 32 random bytes>"');
  const key = Buffer.from(match[2]!, 'base64');
  const isDemoKey = key.equals(demoAuditKey());
  if (isDemoKey && !isDemoMode)
    throw new ConfigError('SKILLFUND_AUDIT_KEY', 'the published demo key is refused outside demo mode');
  return Object.freeze({ id: match[1]!, key, isDemoKey });
}

/** HMAC-SHA256 of the text under the key, hex. */
export function auditMac(key: AuditKey, text: string): string {
  return createHmac('sha256', key.key).update(text, 'utf8').digest('hex');
}
