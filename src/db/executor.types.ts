import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

// The query-executor types every service takes, in a leaf module: src/db/copy.ts (which the
// database module imports) names them without importing the database module back.

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A query executor: the database or an open transaction. Services take one as first argument. */
export type Executor = Kysely<Database>;
