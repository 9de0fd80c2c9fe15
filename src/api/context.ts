import type { AuditContext } from '../auth/audit.service.ts';
import type { SessionPolicy } from '../auth/auth.service.ts';
import type { ScopedIds } from '../auth/object-scope.ts';
import type { RouteAccess } from '../auth/roles.ts';
import type { Principal } from '../auth/scope.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import type { Config } from '../shared/config.ts';

/** Everything the HTTP layer needs from outside; tests pass their own. */
export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  sessionPolicy?: SessionPolicy;
  /** The business clock; defaults to SKILLFUND_CLOCK_START's shifted clock or the system clock. */
  clock?: Clock;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. Every route must declare it; the app refuses to start otherwise. */
    access?: RouteAccess;
    /**
     * The object each `…Id`/`…Ids` field of the body or query string names (src/auth/object-scope.ts);
     * checked against the caller's scope before the handler. Required for every such field.
     */
    scopedIds?: ScopedIds;
    /**
     * This route answers with personal data in full (an audited reveal, issue 18). Every other
     * response masks ID numbers, phones and bank accounts; the test suite's PII scan skips only these.
     */
    revealsPersonalData?: boolean;
  }
  interface FastifyInstance {
    deps: AppDeps;
    /** The business clock every route passes to the services. */
    clock: Clock;
  }
  interface FastifyRequest {
    principal: Principal | null;
    auditContext: AuditContext;
  }
}
