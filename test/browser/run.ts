/**
 * Browser tests (`npm run test:browser`): starts SkillFund on a free port over a fresh
 * temporary embedded database with the demo data, runs every `*.browser.ts` flow in headless
 * Chromium, writes screenshots to test-artifacts/ and prints which steps passed.
 * Steps whose back-end API does not exist yet are reported as pending (BROWSER_STRICT=1 fails them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildApp } from '../../src/api/app.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/demo.service.ts';
import { LIVING_DEMO_LEDGER_DATE, LIVING_DEMO_TODAY, seedLivingDemo } from '../../src/demo/living-demo.ts';
import { type Clock, chinaDateOf, DemoClock, ManualClock } from '../../src/shared/clock.ts';
import { loadConfig } from '../../src/shared/config.ts';
import {
  ARTIFACTS_DIR,
  ensureArtifactsDir,
  type Flow,
  type FlowContext,
  Pending,
  type ServerHandle,
  type StepResult,
} from './harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUSINESS_START = process.env.BROWSER_CLOCK_START ?? '2021-05-06';

/**
 * The business clock of a server: the shared server's shifted clock (moved by whole days), or the
 * living demo's training clock, which the system administrator also moves from the banner.
 */
function businessClock(
  isLiving: boolean,
  businessStart: string = BUSINESS_START,
): Clock & { advanceDays(days: number): void } {
  if (isLiving) {
    const clock = new DemoClock(LIVING_DEMO_TODAY);
    return Object.assign(clock, {
      advanceDays(days: number) {
        const date = new Date(Date.parse(`${clock.today()}T00:00:00Z`) + days * 86_400_000);
        clock.moveTo(date.toISOString().slice(0, 10));
      },
    });
  }
  let offsetMs = Date.parse(`${businessStart}T09:00:00+08:00`) - Date.now();
  const now = () => new Date(Date.now() + offsetMs);
  return {
    now,
    today: () => chinaDateOf(now()),
    advanceDays(days: number) {
      offsetMs += days * 86_400_000;
    },
  };
}

async function startServer(options: { isLiving: boolean; businessStart?: string } = { isLiving: false }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-browser-'));
  const config = loadConfig({
    ...process.env,
    SKILLFUND_DATA_DIR: dataDir,
    SKILLFUND_UPLOAD_DIR: path.join(dataDir, 'uploads'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    SKILLFUND_DEMO: 'true',
    DATABASE_URL: '',
  });
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  await migrate(database);
  await seedDemo(database.db, options.isLiving ? { ledgerValueDate: LIVING_DEMO_LEDGER_DATE } : {});
  if (options.isLiving) {
    // What `npm start` does on a fresh data directory: the year played on a manual clock.
    const manual = new ManualClock('2021-01-04T00:00:00Z');
    const seeding = await buildApp({ config, database, clock: manual });
    await seedLivingDemo(seeding, manual);
    await seeding.close();
  }
  // The five documents' policies ended on 2021-12-31 (Hengyang, Jiangsu), so the flows run on
  // the programme's own dates: a business clock that starts in May 2021 (the living demo: where
  // its year ends) and runs normally.
  const clock = businessClock(options.isLiving, options.businessStart);
  const now = () => clock.now();
  const today = () => clock.today();
  const app = await buildApp({ config, database, clock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  const tokens = new Map<string, string>();
  const handle: ServerHandle = {
    baseUrl,
    today,
    now,
    advanceDays(days) {
      clock.advanceDays(days);
    },
    async apiAs(loginName, method, url, body) {
      let token = tokens.get(loginName);
      if (!token) {
        const login = await fetch(`${baseUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ loginName, password: DEMO_PASSWORD }),
        });
        if (!login.ok) throw new Error(`login ${loginName}: ${login.status} ${await login.text()}`);
        token = ((await login.json()) as { token: string }).token;
        tokens.set(loginName, token);
      }
      const response = await fetch(`${baseUrl}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    },
  };
  return {
    handle,
    async close() {
      await app.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function loadFlows(): Promise<Flow[]> {
  // `run.ts money` runs the files whose names contain "money"; `run.ts daily,living` several.
  const only = process.argv[2]?.split(',').filter(Boolean);
  const files = fs
    .readdirSync(import.meta.dirname)
    .filter((name) => name.endsWith('.browser.ts') && (!only || only.some((part) => name.includes(part))))
    .sort();
  const flows: Flow[] = [];
  for (const file of files) {
    const module = (await import(path.join(import.meta.dirname, file))) as { flows: Flow[] };
    flows.push(...module.flows);
  }
  // Stable: the flows that move the clock go last, in file order.
  return [...flows.filter((flow) => !flow.movesClock), ...flows.filter((flow) => flow.movesClock)];
}

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) {
    process.stderr.write(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium\n`);
    process.exit(2);
  }
  ensureArtifactsDir();
  // Failure screenshots of an earlier run would be mistaken for this run's.
  for (const name of fs.readdirSync(ARTIFACTS_DIR))
    if (/^failure-\d+\.png$/.test(name)) fs.rmSync(path.join(ARTIFACTS_DIR, name));
  const flows = await loadFlows();
  // The shared server for the flows on the demo accounts; the living demo's own, when a flow asks.
  const server = await startServer();
  let livingServer: Awaited<ReturnType<typeof startServer>> | undefined;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const results: StepResult[] = [];
  try {
    for (const flow of flows) {
      if (flow.livingDemo) livingServer ??= await startServer({ isLiving: true });
      // A flow with a business clock of its own (clockStart) gets a server of its own, closed after it.
      const own = flow.clockStart
        ? await startServer({ isLiving: false, businessStart: flow.clockStart })
        : null;
      const flowServer = own ?? (flow.livingDemo ? livingServer! : server);
      const contexts: import('playwright-core').BrowserContext[] = [];
      let stopped = false;
      const done = new Set<string>();
      const context: FlowContext = {
        server: flowServer.handle,
        browser,
        async newPage(options = {}) {
          const browserContext = await browser.newContext({
            viewport: { width: options.width ?? 1366, height: options.height ?? 900 },
            locale: 'zh-CN',
            timezoneId: 'Asia/Shanghai',
            acceptDownloads: true,
          });
          contexts.push(browserContext);
          // The browser's "today" (default dates in forms) follows the server's business clock.
          await browserContext.clock.setFixedTime(flowServer.handle.now());
          const page = await browserContext.newPage();
          page.setDefaultTimeout(15_000);
          return { context: browserContext, page };
        },
        async step(name, work) {
          if (stopped) throw new Error('flow stopped');
          done.add(name);
          try {
            const value = await work();
            results.push({ flow: flow.name, step: name, outcome: 'passed' });
            return value;
          } catch (error) {
            stopped = true;
            // What each open page showed when the step failed, for the report.
            let index = 0;
            for (const browserContext of contexts) {
              for (const page of browserContext.pages()) {
                index += 1;
                await page
                  .screenshot({ path: path.join(ARTIFACTS_DIR, `failure-${index}.png`) })
                  .catch(() => undefined);
              }
            }
            // Playwright's first line says what timed out; its call log says on which locator.
            const lines = error instanceof Error ? error.message.split('\n') : [String(error)];
            const waitingFor = lines.find((line) => /waiting for/.test(line))?.trim();
            const detail = waitingFor ? `${lines[0]} (${waitingFor.replace(/^- /, '')})` : lines[0];
            results.push({
              flow: flow.name,
              step: name,
              outcome: error instanceof Pending ? 'pending' : 'failed',
              detail,
            });
            throw error;
          }
        },
        async screenshot(page, name) {
          await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
        },
      };
      try {
        await flow.run(context);
      } catch {
        // Recorded by step(); the remaining steps are listed as not reached below.
      }
      for (const step of flow.steps) {
        if (!done.has(step)) results.push({ flow: flow.name, step, outcome: 'not reached' });
      }
      for (const browserContext of contexts) await browserContext.close();
      await own?.close();
    }
  } finally {
    await browser.close();
    await server.close();
    await livingServer?.close();
  }
  report(results);
}

function report(results: StepResult[]): void {
  const marks = { passed: '✓', failed: '✗', pending: '…', 'not reached': '-' } as const;
  let flow = '';
  for (const result of results) {
    if (result.flow !== flow) {
      flow = result.flow;
      process.stdout.write(`\n${flow}\n`);
    }
    process.stdout.write(
      `  ${marks[result.outcome]} ${result.step}${result.detail ? ` — ${result.detail}` : ''}\n`,
    );
  }
  const count = (outcome: StepResult['outcome']) =>
    results.filter((result) => result.outcome === outcome).length;
  process.stdout.write(
    `\n${count('passed')} passed, ${count('failed')} failed, ${count('pending')} pending (API missing), ${count('not reached')} not reached; screenshots in ${ARTIFACTS_DIR}\n`,
  );
  const isStrict = process.env.BROWSER_STRICT === '1';
  if (count('failed') > 0 || (isStrict && (count('pending') > 0 || count('not reached') > 0)))
    process.exitCode = 1;
}

await main();
