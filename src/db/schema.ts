import type { AuthTables } from '../auth/auth.table.ts';
import type { ClaimsTables } from '../claims/claims.table.ts';
import type { BankSideTables } from '../ledger/bank.table.ts';
import type { LedgerTables } from '../ledger/ledger.table.ts';
import type { PolicyTables } from '../policy/policy.table.ts';
import type { RegistryTables } from '../registry/registry.table.ts';
import type { ReportsTables } from '../reports/reports.table.ts';
import type { SupervisionTables } from '../supervision/supervision.table.ts';
import type { TrainingTables } from '../training/training.table.ts';

/** Bookkeeping of the migrator. */
export interface SchemaMigrationsTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: import('kysely').Generated<Date>;
}

/**
 * The whole database as Kysely sees it: one interface per domain, each in its
 * `<domain>.table.ts`. Add a domain by extending this list.
 */
export interface Database
  extends AuthTables,
    RegistryTables,
    PolicyTables,
    TrainingTables,
    LedgerTables,
    ClaimsTables,
    SupervisionTables,
    ReportsTables,
    BankSideTables {
  schema_migrations: SchemaMigrationsTable;
}
