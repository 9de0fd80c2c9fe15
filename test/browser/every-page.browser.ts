import type { Page } from 'playwright-core';
import { ROLE_LABELS, ROLES, type Role } from '../../src/auth/roles.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { type Flow, type ServerHandle, visibleText } from './harness.ts';

/**
 * Every page of every role, in Chinese (issue 21, "Done when"): for each role with a demo account,
 * log in through the login page, open every page of its menu and of the public menu, the first
 * list row's detail on each (a drawer, a panel, an expanded row: PAGES_WITH_ROW_DETAILS must be
 * among them), and one page of each kind of detail those pages link to (a claim, a class, a
 * person, a case's drawer, a payment batch…, and what those link to in turn), and find in
 * the visible text no untranslated code (snake_case, dotted permission names, SCREAMING_SNAKE),
 * no English word outside a short allow-list, and no console error. The public pages are walked
 * without login too. It runs on the living demo, where every role has an account; a role without
 * one fails the walk.
 */

/** Latin words a Chinese reader reads as such. */
const ALLOWED_WORDS = new Set([
  'API',
  'ID',
  'xlsx',
  'CSV',
  'csv',
  'PDF',
  'TOTP',
  'JSON',
  'SkillFund',
  'English', // the language switch names the other language in that language
  'YYYY',
  'MM',
  'DD',
  'Excel',
  'PNG',
  'JPEG',
  'JPG',
  'pdf', // a file name's extension (培训学员花名册.pdf): data a person uploaded
  'MB', // a file size's unit
  'MP4',
  'TXT',
  'USB',
  'URL',
  'GBK', // bank files' character encoding, as banks name it
  'UTF',
]);

const PUBLIC_PAGES = ['/', '/calculator', '/catalog', '/verify', '/notices', '/disclosure', '/login'];

/** Known demo accounts, tried when the administrator's user list does not name one for a role. */
const KNOWN_ACCOUNTS: Partial<Record<Role, string[]>> = {
  province_officer: ['hn_province', 'js_province', 'jx_province', 'sx_province'],
  city_officer: ['hy_city'],
  county_officer: ['hy_county'],
  finance_officer: ['hy_finance'],
  third_party_reviewer: ['hy_reviewer'],
  institution_operator: ['hy_school'],
  enterprise_operator: ['hy_enterprise'],
  evaluation_org_operator: ['hy_eval'],
  worker: ['hy_worker'],
  auditor: ['auditor'],
  system_admin: ['sysadmin'],
  security_admin: ['secadmin'],
  audit_admin: ['auditadmin'],
};

/**
 * Accounts walked besides the one per role, where a role's pages read differently in another
 * region: the Jiangsu enterprise is offered advances (预拨) that Hengyang's documents do not provide.
 */
const EXTRA_ACCOUNTS: [Role, string][] = [['enterprise_operator', 'nj_enterprise']];

/**
 * A detail's path with its id as `:id`: a detail page (/app/claims/12 → /app/claims/:id) or a
 * list opening one record in its drawer or panel (/app/cases?case=3 → /app/cases?case=:id,
 * /app/payments?tab=batches&batch=5 → /app/payments?tab=batches&batch=:id).
 */
export function detailPattern(path: string): string | null {
  if (/^\/app\/[a-z/-]+\/\d+$/.test(path)) return path.replace(/\/\d+$/, '/:id');
  if (/^\/app\/[a-z/-]+\?([a-z]+=[a-z_]+&)*[a-z]+=\d+$/.test(path)) return path.replace(/=\d+$/, '=:id');
  return null;
}

/**
 * What opens a list row's detail without changing anything: a row button or link of these names
 * (查看 a sanction or a payment batch, 详情 a class filing, 明细账 a ledger account…), else the
 * link-styled first field of the row (a case number, a catalog version's title), else the row's
 * expand icon (an alert's evidence). Action buttons (审批, 解除预警…) are never clicked.
 */
const DETAIL_OPENER_NAMES = /^\s*(详情|查看|明细账|电子培训档案|复核申诉)\s*$/;

/**
 * Menu pages whose list rows open a detail in a drawer, a panel or an expanded row: a walk that
 * finds rows on one and opens none of them has lost the way to a record's detail. (A list may be
 * empty by the time this flow walks it — earlier flows decide every class filing waiting on the
 * living demo — and then there is nothing to open; at least one list page must open a detail.)
 */
const PAGES_WITH_ROW_DETAILS = [
  '/app/persons',
  '/app/class-filings',
  '/app/alerts',
  '/app/cases',
  '/app/sanctions',
  '/app/ledger',
  '/app/catalog-versions',
];

/**
 * Waits until nothing on the page is loading (no spinner, no skeleton, the network quiet) and
 * answers whether it got there: a page still loading after half a minute is itself a finding.
 */
async function settle(page: Page): Promise<boolean> {
  await page.waitForLoadState('networkidle');
  return page
    .waitForFunction(() => !document.querySelector('.ant-spin-spinning, .ant-skeleton'), null, {
      timeout: 30_000,
    })
    .then(() => true)
    .catch(() => false);
}

/**
 * Opens the detail of the first list row that has one (a drawer, a dialog, a panel the address
 * names, an expanded row), waits for its content, and answers what opened it and whether it
 * finished loading; null when the page's rows offer no detail.
 */
async function openFirstRowDetail(page: Page): Promise<{ opener: string; isSettled: boolean } | null> {
  const rows = page.locator('.app-content tr.ant-table-row');
  const named = rows
    .locator('button, a:not([href])')
    .filter({ hasText: DETAIL_OPENER_NAMES })
    .filter({ visible: true });
  const firstField = rows
    .first()
    .locator('td:not(.ant-table-selection-column):not(.ant-table-row-expand-icon-cell)')
    .first()
    .locator('a:not([href]), button.ant-btn-link');
  const expander = rows
    .first()
    .locator('.ant-table-row-expand-icon:not(.ant-table-row-expand-icon-expanded)');
  const before = page.url();
  let opener: string;
  if ((await named.count()) > 0) {
    opener = (await named.first().innerText()).trim();
    await named.first().click();
  } else if ((await firstField.count()) > 0) {
    opener = `${(await firstField.first().innerText()).trim()}（首列）`;
    await firstField.first().click();
  } else if ((await expander.count()) > 0) {
    opener = '展开行';
    await expander.first().click();
    await page.locator('.app-content .ant-table-expanded-row').first().waitFor();
    return { opener, isSettled: await settle(page) };
  } else return null;
  // A drawer or a dialog shows, or the address names the record a panel of the page shows.
  await page.waitForFunction(
    (url) =>
      location.href !== url ||
      [...document.querySelectorAll('.ant-drawer-open, .ant-modal-wrap')].some(
        (element) => element.getClientRects().length > 0,
      ),
    before,
  );
  return { opener, isSettled: await settle(page) };
}

/** One demo account per role: the one the login page recommends, else one from the administrator's list. */
async function accountsByRole(server: ServerHandle): Promise<Map<Role, string>> {
  const found = new Map<Role, string>();
  for (const role of ROLES) {
    const listed = await server
      .apiAs('sysadmin', 'GET', `/api/admin/users?role=${role}&status=active&pageSize=20`)
      .catch(() => ({ status: 0, json: null }));
    const items =
      listed.status === 200 ? ((listed.json as { items: { loginName: string }[] }).items ?? []) : [];
    const candidates = [...(KNOWN_ACCOUNTS[role] ?? []), ...items.map((item) => item.loginName)];
    for (const loginName of candidates) {
      const login = await fetch(`${server.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginName, password: DEMO_PASSWORD }),
      });
      if (login.ok) {
        found.set(role, loginName);
        break;
      }
    }
  }
  return found;
}

/** Every login name the system administrator lists: user lists and the audit log show them as data. */
async function allLoginNames(server: ServerHandle): Promise<string[]> {
  const names: string[] = [];
  for (let page = 1; page <= 10; page += 1) {
    const listed = await server.apiAs('sysadmin', 'GET', `/api/admin/users?page=${page}&pageSize=100`);
    if (listed.status !== 200) break;
    const { items, total } = listed.json as { items: { loginName: string }[]; total: number };
    names.push(...items.map((item) => item.loginName));
    if (page * 100 >= total) break;
  }
  return names;
}

/** A run of Latin letters (with digits, `_`, `.`, `-`, `'` inside) as the visible text is read. */
const LATIN_TOKEN = /[A-Za-z][A-Za-z0-9_.\-']*[A-Za-z0-9]|[A-Za-z]/g;

/** What in a page's visible text is an untranslated code or an English word. */
export function untranslated(text: string, allowedTokens: ReadonlySet<string>): string[] {
  const problems = new Set<string>();
  for (const match of text.matchAll(LATIN_TOKEN)) {
    const token = match[0];
    if (allowedTokens.has(token) || ALLOWED_WORDS.has(token)) continue;
    // An occupation, certificate or claim number (4-10-01-05, HY-2021-0001, CL2021…) is data.
    if (/\d/.test(token) && /^[A-Z0-9-]+$/.test(token)) continue;
    if (/^[a-z]+(_[a-z0-9]+)+$/.test(token)) problems.add(`code ${token}`);
    else if (/^[a-z]+(\.[a-z_]+)+$/.test(token)) problems.add(`code ${token}`);
    else if (/^[A-Z]+(_[A-Z0-9]+)+$/.test(token)) problems.add(`code ${token}`);
    else if (token.length >= 2) problems.add(`English ${token}`);
  }
  return [...problems];
}

interface PageCheck {
  path: string;
  problems: string[];
}

/** Opens a page, waits until it has loaded its data, and checks its visible text and console. */
async function checkPage(
  page: Page,
  url: string,
  allowedTokens: ReadonlySet<string>,
  consoleErrors: string[],
): Promise<string[]> {
  consoleErrors.length = 0;
  await page.goto(url);
  const isSettled = await settle(page);
  const problems = await textProblems(page, allowedTokens);
  if (!isSettled) problems.push('still loading after 30 s');
  for (const error of consoleErrors) problems.push(`console error: ${error.slice(0, 200)}`);
  return problems;
}

/** The untranslated codes and English words in the page's visible text (drawers included). */
async function textProblems(page: Page, allowedTokens: ReadonlySet<string>): Promise<string[]> {
  const text = await visibleText(page);
  // A <code> element shows an identifier on purpose (a key id, a file name); its words are data.
  // Read the way the text is read too: a hash excerpt 12fbfd63… is read from its first letter.
  const codes = (await page.locator('code').allInnerTexts()).flatMap((code) => [
    ...code.split(/[^A-Za-z0-9_.-]+/),
    ...[...code.matchAll(LATIN_TOKEN)].map((match) => match[0]),
  ]);
  return untranslated(text, new Set([...allowedTokens, ...codes]));
}

function report(checks: PageCheck[]): string {
  return checks
    .filter((check) => check.problems.length > 0)
    .map((check) => `${check.path}: ${check.problems.join('; ')}`)
    .join('\n');
}

const everyPage: Flow = {
  name: 'Every page of every role shows Chinese text, no untranslated code or English sentence, and no console error',
  // The living demo has an account for every role and pages full of data (the shared server's
  // demo accounts lack the reviewer, enterprise, evaluation organisation and worker).
  livingDemo: true,
  steps: [
    'public pages without login',
    'every role has a demo account',
    'every role: every page of its menu, its first row’s detail and the detail pages they link to',
  ],
  async run({ server, newPage, step }) {
    const { page } = await newPage({ width: 1440, height: 900 });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    const accounts = await accountsByRole(server);
    /** The menu pages whose first row's detail some role opened. */
    const openedDetails = new Set<string>();
    // List pages whose list was empty when walked (an earlier flow decided every filing waiting
    // on 开班备案审批, the page's default filter): no row to open there, which is no lost way.
    const emptyLists = new Set<string>();
    // Login names are what a person types (the login page lists the demo accounts and their
    // password); they are data, not codes.
    const loginNames = new Set([
      ...accounts.values(),
      ...Object.values(KNOWN_ACCOUNTS).flat(),
      ...EXTRA_ACCOUNTS.map(([, loginName]) => loginName),
      ...(await allLoginNames(server)),
      'Demo',
    ]);
    await step('public pages without login', async () => {
      const checks: PageCheck[] = [];
      for (const path of PUBLIC_PAGES) {
        checks.push({
          path,
          problems: await checkPage(page, `${server.baseUrl}${path}`, loginNames, consoleErrors),
        });
      }
      const failures = report(checks);
      if (failures) process.stdout.write(`every-page, public:\n${failures}\n`);
      if (failures)
        throw new Error(`untranslated text on public pages: ${failures.split('\n').length} pages`);
    });

    await step('every role has a demo account', async () => {
      const missing = ROLES.filter((role) => !accounts.has(role));
      process.stdout.write(
        `every-page: walking ${[...accounts].map(([role, loginName]) => `${ROLE_LABELS[role]} ${loginName}`).join('、')}\n`,
      );
      if (missing.length > 0)
        throw new Error(
          `no demo account for ${missing.map((role) => `${role}（${ROLE_LABELS[role]}）`).join('、')}`,
        );
    });
    await step(
      'every role: every page of its menu, its first row’s detail and the detail pages they link to',
      async () => {
        const checks: PageCheck[] = [];
        // EVERY_PAGE_ROLES=worker,enterprise_operator walks only those roles (a quick local check).
        const only = process.env.EVERY_PAGE_ROLES?.split(',').filter(Boolean);
        for (const [role, loginName] of [...accounts, ...EXTRA_ACCOUNTS]) {
          if (only && !only.includes(role)) continue;
          await page.goto(`${server.baseUrl}/login`);
          await page.evaluate('sessionStorage.clear()');
          await page.goto(`${server.baseUrl}/login`);
          await page.getByLabel('账号', { exact: true }).fill(loginName);
          await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
          await page.getByRole('button', { name: '登录' }).last().click();
          await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 });
          await page
            .getByTestId('workbench-menu')
            .waitFor({ timeout: 15_000 })
            .catch(() => undefined);
          await page.waitForLoadState('networkidle');
          // A first login may have to change the demo password or enrol a second factor: then the
          // role's pages are out of reach in this walk, which is itself a finding.
          if (!page.url().includes('/app') && !page.url().endsWith('/calculator')) {
            checks.push({ path: `${role} (${loginName})`, problems: [`landed on ${page.url()}`] });
            continue;
          }
          const paths = await page
            .getByTestId('workbench-menu')
            .locator('a[href]')
            .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
          const workbench = paths.filter((path) => path.startsWith('/app'));
          if (workbench.length === 0 && role !== 'worker')
            checks.push({ path: `${role} (${loginName})`, problems: ['an empty workbench menu'] });
          // Each menu page, then one page of each kind of detail its links open (a claim, a class…).
          const details = new Map<string, string>();
          const collectDetailLinks = async () => {
            const links = await page
              .locator('.app-content a[href^="/app/"]')
              .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''));
            for (const link of links) {
              const pattern = detailPattern(link);
              if (pattern && !details.has(pattern)) details.set(pattern, link);
            }
          };
          for (const path of [...new Set(paths)]) {
            const where = `${ROLE_LABELS[role]} ${loginName} ${path}`;
            const problems = await checkPage(page, `${server.baseUrl}${path}`, loginNames, consoleErrors);
            checks.push({ path: where, problems });
            await collectDetailLinks();
            // The first row's detail (drawer, panel, expanded row), read with the same eyes.
            if (!path.startsWith('/app')) continue;
            consoleErrors.length = 0;
            const opened = await openFirstRowDetail(page);
            if (opened === null) {
              const rows = await page.locator('.app-content .ant-table-row').count();
              const isEmpty = await page.locator('.app-content .ant-table-placeholder').count();
              if (rows === 0 && isEmpty > 0) emptyLists.add(path);
              continue;
            }
            openedDetails.add(path);
            checks.push({
              path: `${where} ▸ ${opened.opener}`,
              problems: [
                ...(opened.isSettled ? [] : ['still loading after 30 s']),
                ...(await textProblems(page, loginNames)),
                ...consoleErrors.map((error) => `console error: ${error.slice(0, 200)}`),
              ],
            });
          }
          // Each kind of detail page once, and the details those pages link to in turn (a claim's
          // person, its payment batch…), until no new kind turns up.
          const checked = new Set<string>();
          for (let pending = [...details.keys()]; pending.length > 0; ) {
            for (const pattern of pending) {
              checked.add(pattern);
              const path = details.get(pattern)!;
              const problems = await checkPage(page, `${server.baseUrl}${path}`, loginNames, consoleErrors);
              checks.push({ path: `${ROLE_LABELS[role]} ${loginName} ${path}`, problems });
              await collectDetailLinks();
            }
            pending = [...details.keys()].filter((pattern) => !checked.has(pattern));
          }
        }
        if (!only) {
          const unopened = PAGES_WITH_ROW_DETAILS.filter(
            (path) => !openedDetails.has(path) && !emptyLists.has(path),
          );
          if (openedDetails.size === 0)
            checks.push({ path: 'row details', problems: ['no row detail opened on any list page'] });
          if (unopened.length > 0)
            checks.push({
              path: 'row details',
              problems: [`no row detail opened on ${unopened.join(', ')}`],
            });
        }
        process.stdout.write(
          `every-page: opened a row's detail on ${[...openedDetails].join(', ')}; empty lists: ${[...emptyLists].join(', ') || 'none'}\n`,
        );
        const failures = report(checks);
        if (failures) process.stdout.write(`every-page, roles:\n${failures}\n`);
        if (failures)
          throw new Error(`untranslated text or console errors on ${failures.split('\n').length} pages`);
      },
    );
  },
};

export const flows: Flow[] = [everyPage];
