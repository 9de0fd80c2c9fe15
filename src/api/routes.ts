import type { FastifyInstance } from 'fastify';
import { authRoutes } from '../auth/auth.routes.ts';
import { advanceClaimsAfterBankResult } from '../claims/claim.payment.ts';
import { selectSubsidiesOfPerson } from '../claims/claim.repository.ts';
import { claimRoutes } from '../claims/claim.routes.ts';
import { excludeClaimLinesBySupervision } from '../claims/claim.service.ts';
import { claimsRepricedFrom, simulateStoredClaims } from '../claims/claim.simulation.ts';
import { employmentRoutes } from '../claims/employment.routes.ts';
import { inspectionRoutes } from '../claims/inspection.routes.ts';
import { demoRoutes } from '../demo/demo.routes.ts';
import { bankRoutes } from '../ledger/bank.routes.ts';
import { ledgerRoutes } from '../ledger/ledger.routes.ts';
import { policyRoutes } from '../policy/policy.routes.ts';
import { findCatalogEntry, getCatalogVersion } from '../registry/catalog.service.ts';
import { registryRoutes } from '../registry/registry.routes.ts';
import { reportRoutes } from '../reports/report.routes.ts';
import { reportLedgerDifferences } from '../reports/report.service.ts';
import { freezeMonthReports } from '../reports/report-freeze.service.ts';
import { supervisionRoutes } from '../supervision/supervision.routes.ts';
import { assessmentRoutes } from '../training/assessment.routes.ts';
import { trainingRoutes } from '../training/training.routes.ts';
import { healthRoutes } from './health.routes.ts';
import { webRoutes } from './web.routes.ts';

/** Every domain's route plugin, registered in this order by buildApp. */
export const domainRoutes: Array<(app: FastifyInstance) => Promise<void>> = [
  healthRoutes,
  webRoutes,
  authRoutes,
  (app) =>
    policyRoutes(app, { simulateStoredClaims, claimsRepricedFrom, findCatalogEntry, getCatalogVersion }),
  registryRoutes,
  // The electronic training archive shows each person's subsidies, read from the claims.
  (app) => trainingRoutes(app, { subsidyHistory: selectSubsidiesOfPerson }),
  assessmentRoutes,
  // A failure the bank reported moves its claims on once a second person approved it.
  (app) => ledgerRoutes(app, { advanceClaimsAfterBankResult }),
  claimRoutes,
  inspectionRoutes,
  employmentRoutes,
  reportRoutes,
  // Supervision reaches claims only through the ports handed in here (no import of claims).
  (app) => supervisionRoutes(app, { excludeClaimLines: excludeClaimLinesBySupervision }),
  // The period close checks 账表相符 and freezes the month's report figures through the reports
  // domain's ports (the reports domain imports the ledger, not the other way round).
  (app) => bankRoutes(app, { reportDifferences: reportLedgerDifferences, freezeReports: freezeMonthReports }),
  demoRoutes,
];
