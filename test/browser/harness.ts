import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page, Request, Response } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';

/** Where every flow writes its screenshots. */
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../../test-artifacts');

/** A step that cannot run yet because the back end lacks an API; reported, not failed. */
export class Pending extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Pending';
  }
}

export interface StepResult {
  flow: string;
  step: string;
  outcome: 'passed' | 'failed' | 'pending' | 'not reached';
  detail?: string;
}

export interface ServerHandle {
  baseUrl: string;
  /** Moves the server's business date (public notice, application dates) forward by whole days. */
  advanceDays(days: number): void;
  /** The server's business date, YYYY-MM-DD. */
  today(): string;
  /** The server's business instant. */
  now(): Date;
  /** Direct API call as a demo account (setup only; the flows themselves click through the UI). */
  apiAs(
    loginName: string,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }>;
}

export interface FlowContext {
  server: ServerHandle;
  browser: Browser;
  /** A fresh browser context (own sessionStorage) with a page, at the given viewport width. */
  newPage(options?: { width?: number; height?: number }): Promise<{ context: BrowserContext; page: Page }>;
  /** Runs one named step; a failure stops the flow and marks the later steps "not reached". */
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
  screenshot(page: Page, name: string): Promise<void>;
}

export interface Flow {
  name: string;
  /**
   * A flow whose business clock must start elsewhere (e.g. closing months of the demo books, dated
   * 2026) runs on a server of its own, started on this date, so the other flows keep theirs.
   */
  clockStart?: string;
  /** Step names in order, so the report lists the steps a failure left unreached. */
  steps: string[];
  /**
   * Runs on a server of its own seeded with the living demo (what `npm start` shows, issue 21)
   * on the training clock, instead of the shared server with the demo accounts only.
   */
  livingDemo?: boolean;
  /**
   * The flow moves the shared server's business clock forward (the training clock): it runs after
   * every other flow, whose classes, notices and advances depend on the demo's date.
   */
  movesClock?: boolean;
  run(context: FlowContext): Promise<void>;
}

export function ensureArtifactsDir(): void {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
}

/** A full 18-digit ID number anywhere in a text: what a role without person.unmask must never see. */
export const FULL_ID_NUMBER =
  /(?<![0-9])[1-8][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])/;

/**
 * The page's rendered text. innerText (unlike textContent) separates table cells and blocks, so
 * an ID number next to a phone number in the following cell is still a separate run of digits.
 */
export async function visibleText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/** Fails when the page's visible text shows an unmasked ID number. */
export async function assertNoFullIdNumber(page: Page, where: string): Promise<void> {
  const text = await visibleText(page);
  const match = FULL_ID_NUMBER.exec(text);
  if (match) throw new Error(`${where}: unmasked ID number on the page (${match[0].slice(0, 6)}…)`);
}

/** GB 11643 check character of the first 17 digits. */
export function idNumberWithCheckDigit(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  return first17 + '10X98765432'[sum % 11];
}

/** A JSON object answered by the API, read field by field by the flows' set-up. */
export type Json = Record<string, unknown>;

/**
 * A set-up call as a demo account that must succeed: an answer other than 2xx fails the step with
 * the method, address, account and the API's answer.
 */
export async function api(
  server: ServerHandle,
  who: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<Json> {
  const answer = await server.apiAs(who, method, url, body);
  if (answer.status >= 300)
    throw new Error(`${method} ${url} as ${who}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json as Json;
}

/**
 * Opens a workbench page from the menu (first unfolding the menu where a phone's layout folds it)
 * and waits for the page's heading, which is the menu item's name unless `heading` says otherwise.
 */
export async function openFromMenu(page: Page, item: string, heading = item): Promise<void> {
  const menu = page.getByTestId('workbench-menu');
  if (!(await menu.isVisible())) await page.getByRole('button', { name: '菜单 menu' }).click();
  await menu.getByRole('menuitem', { name: item }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

/**
 * Opens a workbench page from the menu and waits until the network is quiet, for pages whose
 * heading is not the menu item's name or whose data the step reads at once.
 */
export async function openMenuAndSettle(page: Page, name: string): Promise<void> {
  await page.getByTestId('workbench-menu').getByRole('menuitem', { name }).click();
  await page.waitForLoadState('networkidle');
}

/** A fresh page logged in as a demo account through the login page; a phone's height below 600 px width. */
export async function loggedIn(context: FlowContext, loginName: string, width = 1440) {
  const opened = await context.newPage({ width, height: width < 600 ? 812 : 900 });
  await loginThroughUi(opened.page, context.server.baseUrl, loginName, DEMO_PASSWORD);
  return opened;
}

/** Logs in through the login page and waits for the workbench. */
export async function loginThroughUi(
  page: Page,
  baseUrl: string,
  loginName: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('账号', { exact: true }).fill(loginName);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).last().click();
  await page.waitForURL((url) => url.pathname.startsWith('/app') || url.pathname === '/calculator', {
    timeout: 15_000,
  });
  await page.getByTestId('current-user').waitFor({ timeout: 15_000 });
}

/** A request the page sends for an action: a POST, PUT, PATCH or DELETE to the API. */
function isApiWrite(request: Request): boolean {
  return request.method() !== 'GET' && new URL(request.url()).pathname.startsWith('/api/');
}

/**
 * Clicks a dialog's confirm button and returns the answer to the request it sends (by default any
 * API write). A click the page did not act on (no request within 5 s while the dialog stays open,
 * e.g. swallowed by the dialog's opening animation) is logged with what the page showed and
 * repeated once, as a user would. The full flow met this before; a CI run once timed out waiting
 * for the unlock step's answer, probably the same cause; it never reproduced locally. A dialog
 * that closed without a request, a second silent click, or an answer other than 2xx (or than
 * `status`, when given) fails the step with that description.
 */
export async function confirmDialog(
  page: Page,
  button: string,
  options: { dialog?: Locator; sends?: (request: Request) => boolean; status?: number } = {},
): Promise<Response> {
  const dialog = options.dialog ?? page.getByRole('dialog');
  const confirm = dialog.getByRole('button', { name: button });
  await confirm.waitFor();
  for (let attempt = 1; ; attempt += 1) {
    // Handled at once: if the click itself fails, a waiter rejected later must not crash the runner.
    const sent = page.waitForRequest(options.sends ?? isApiWrite, { timeout: 5_000 }).catch(() => null);
    await confirm.click();
    const request = await sent;
    if (!request) {
      const isOpen = await dialog.isVisible();
      const toasts = (await page.locator('.ant-message-notice').allInnerTexts()).join(' | ') || 'none';
      const seen = `dialog ${isOpen ? 'still open' : 'closed'}, toasts: ${toasts}`;
      if (attempt === 2 || !isOpen) throw new Error(`「${button}」 sent no request (${seen})`);
      console.log(`    (「${button}」 sent no request within 5 s; ${seen}; clicking again)`);
      continue;
    }
    const response = await request.response();
    if (!response) throw new Error(`「${button}」: ${request.method()} ${request.url()} got no answer`);
    if (options.status === undefined ? !response.ok() : response.status() !== options.status)
      throw new Error(`「${button}」: ${response.status()} ${await response.text()}`);
    return response;
  }
}
