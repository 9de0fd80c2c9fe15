import type { Page } from 'playwright-core';
import { ROLE_LABELS, ROLES, type Role } from '../../src/auth/roles.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { type Flow, type ServerHandle, visibleText } from './harness.ts';

/**
 * Every page of every role, in Chinese (issue 21, "Done when"): for each role with a demo account,
 * log in through the login page, open every page of its menu and of the public menu, and one page
 * of each kind of detail those pages link to (a claim, a class, a person…), and find in
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

/** A detail page's path with its id as `:id` (/app/claims/12 → /app/claims/:id). */
function detailPattern(path: string): string | null {
  return /^\/app\/[a-z/-]+\/\d+$/.test(path) ? path.replace(/\/\d+$/, '/:id') : null;
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
  await page.waitForLoadState('networkidle');
  await page
    .locator('.ant-spin-spinning')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  const text = await visibleText(page);
  // A <code> element shows an identifier on purpose (a key id, a file name); its words are data.
  // Read the way the text is read too: a hash excerpt 12fbfd63… is read from its first letter.
  const codes = (await page.locator('code').allInnerTexts()).flatMap((code) => [
    ...code.split(/[^A-Za-z0-9_.-]+/),
    ...[...code.matchAll(LATIN_TOKEN)].map((match) => match[0]),
  ]);
  const problems = untranslated(text, new Set([...allowedTokens, ...codes]));
  for (const error of consoleErrors) problems.push(`console error: ${error.slice(0, 200)}`);
  return problems;
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
    'every role: every page of its menu',
  ],
  async run({ server, newPage, step }) {
    const { page } = await newPage({ width: 1440, height: 900 });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    const accounts = await accountsByRole(server);
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
    await step('every role: every page of its menu', async () => {
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
        for (const path of [...new Set(paths)]) {
          const problems = await checkPage(page, `${server.baseUrl}${path}`, loginNames, consoleErrors);
          checks.push({ path: `${ROLE_LABELS[role]} ${loginName} ${path}`, problems });
          const links = await page
            .locator('.app-content a[href^="/app/"]')
            .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''));
          for (const link of links) {
            const pattern = detailPattern(link);
            if (pattern && !details.has(pattern)) details.set(pattern, link);
          }
        }
        for (const path of details.values()) {
          const problems = await checkPage(page, `${server.baseUrl}${path}`, loginNames, consoleErrors);
          checks.push({ path: `${ROLE_LABELS[role]} ${loginName} ${path}`, problems });
        }
      }
      const failures = report(checks);
      if (failures) process.stdout.write(`every-page, roles:\n${failures}\n`);
      if (failures)
        throw new Error(`untranslated text or console errors on ${failures.split('\n').length} pages`);
    });
  },
};

export const flows: Flow[] = [everyPage];
