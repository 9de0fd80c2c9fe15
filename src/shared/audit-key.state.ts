import type { AuditKey } from './audit-key.ts';
import { loadConfig } from './config.ts';

// The audit key of this process, apart from audit-key.ts so that the configuration (which reads
// the key) and the key's state (which falls back to the configuration) import no cycle.

let configuredAuditKey: AuditKey | undefined;

/** Sets the audit key of this process (`buildApp`, from its configuration). */
export function setAuditKey(key: AuditKey): void {
  configuredAuditKey = key;
}

/** The audit key in force; the CLI and tests without an app read the process environment's. */
export function auditKey(): AuditKey {
  configuredAuditKey ??= loadConfig().auditKey;
  return configuredAuditKey;
}
