/**
 * The living demo's seeding (issue 21: `npm start` on a fresh data directory in under 30 s):
 * migrate, `seedDemo` and `seedLivingDemo` on a fresh embedded data directory, the way
 * `serve --seed-if-empty` runs them, each phase's CPU time (`process.cpuUsage`) and wall time,
 * with the load average beside them (the machine is often shared).
 *
 *   npm run bench -- living-demo
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/api/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { seedDemo } from '../src/demo/demo.service.ts';
import { LIVING_DEMO_LEDGER_DATE, seedLivingDemo } from '../src/demo/living-demo.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { loadConfig } from '../src/shared/config.ts';
import { appendResult } from './support.ts';

async function phase<T>(
  work: () => Promise<T>,
): Promise<{ value: T; cpuSeconds: number; wallSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return {
    value,
    cpuSeconds: (used.user + used.system) / 1e6,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-living-demo-'));
const loadBefore = os.loadavg();
try {
  const config = loadConfig({
    ...process.env,
    SKILLFUND_DATA_DIR: dataDir,
    SKILLFUND_UPLOAD_DIR: path.join(dataDir, 'uploads'),
    LOG_LEVEL: 'silent',
    SKILLFUND_DEMO: 'true',
    DATABASE_URL: '',
  });
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  const migrated = await phase(() => migrate(database));
  const seeded = await phase(() => seedDemo(database.db, { ledgerValueDate: LIVING_DEMO_LEDGER_DATE }));
  const clock = new ManualClock('2021-01-04T00:00:00Z');
  const app = await buildApp({ config, database, clock });
  const played = await phase(() => seedLivingDemo(app, clock));
  await app.close();
  await database.close();
  const seconds = (value: number) => Math.round(value * 10) / 10;
  const result = {
    loadBefore: loadBefore.map(seconds),
    loadAfter: os.loadavg().map(seconds),
    migrate: { cpu: seconds(migrated.cpuSeconds), wall: seconds(migrated.wallSeconds) },
    seedDemo: { cpu: seconds(seeded.cpuSeconds), wall: seconds(seeded.wallSeconds) },
    seedLivingDemo: {
      cpu: seconds(played.cpuSeconds),
      wall: seconds(played.wallSeconds),
      requests: played.value.requests,
    },
  };
  appendResult('living-demo', result);
  process.stdout.write(
    `living demo: migrate ${result.migrate.cpu} s CPU (${result.migrate.wall} s wall), seedDemo ${result.seedDemo.cpu} s CPU (${result.seedDemo.wall} s wall), seedLivingDemo ${result.seedLivingDemo.cpu} s CPU (${result.seedLivingDemo.wall} s wall, ${played.value.requests} requests); load ${result.loadBefore.join(' / ')} → ${result.loadAfter.join(' / ')}\n`,
  );
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
