import { setAuditKey } from '../../src/shared/audit-key.state.ts';
import { loadConfig } from '../../src/shared/config.ts';
import { setDataKeyring } from '../../src/shared/data-keyring.ts';

/**
 * Runs before every test file. The suite runs without isolation (vitest.config.ts): a worker
 * imports the sources once and runs many test files in that module graph. The process-wide
 * keys that `buildApp` sets (the personal-data keyring and the audit key) go back to what a
 * fresh process reads from its environment, so no file inherits the keys of the file before it.
 */
const config = loadConfig();
setDataKeyring(config.dataKeyring);
setAuditKey(config.auditKey);
