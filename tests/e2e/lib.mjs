// SPDX-License-Identifier: AGPL-3.0-or-later
// Helpers for the end-to-end tests: Debian's Chromium driven by playwright-core
// (from web/node_modules), the server URL, screenshots, sign-in.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
const require = createRequire(path.join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

export const BASE = (process.env.KLIENTAS_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const DEMO_PASSWORD = 'klientas-demo';
export const SHOTS = path.resolve(repoRoot, process.env.KL_SCREENSHOTS_DIR ?? 'docs/screenshots');
export const VIEWPORT = { width: 1280, height: 800 };

export function chromiumPath() {
  for (const p of ['/usr/lib/chromium/chromium', '/usr/bin/chromium']) if (existsSync(p)) return p;
  throw new Error('Chromium not found: apt-get install chromium');
}

/** A fresh browser (playwright gives every launch a new temporary profile). */
export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Several signed-in users (contexts) and tabs work side by side: a page
      // in the background must not be throttled (no timers, no frames).
      '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

/** A new context (own cookies) and page at 1280x800 with an English browser. */
export async function newPage(browser, { locale = 'en-US', viewport = VIEWPORT } = {}) {
  const context = await browser.newContext({ locale, viewport, baseURL: BASE });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  return page;
}

/** Screenshots of every open page of a browser, for a failed test. */
export async function dumpPages(browser, testName) {
  const dir = path.resolve(repoRoot, process.env.KL_RESULTS_DIR ?? 'build/test-results', 'e2e-failures');
  mkdirSync(dir, { recursive: true });
  const slug = testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  let i = 0;
  for (const ctx of browser?.contexts() ?? []) {
    for (const p of ctx.pages()) {
      const file = path.join(dir, `${slug}-${++i}.png`);
      try {
        await p.screenshot({ path: file });
        console.error(`[e2e] ${p.url()} -> ${file}`);
      } catch {
        /* page already gone */
      }
    }
  }
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  // Let toasts fade and fonts settle so the picture shows the screen itself.
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.querySelectorAll('.toasts button').forEach((b) => b.click()));
  await page.waitForTimeout(50);
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: false });
}

/** Fill and send the sign-in form (the labels are those of the page's language). */
export async function signIn(page, login, password = DEMO_PASSWORD, labels = { login: 'Login', password: 'Password', submit: 'Sign in' }) {
  if (!page.url().includes('/login')) await page.goto('/login');
  await page.getByLabel(labels.login, { exact: true }).fill(login);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: labels.submit, exact: true }).click();
}

/** Switch the UI to English if it is not (the demo user's setting may be
 *  another); waits until the setting is saved (PATCH /api/v1/me). */
export async function ensureEnglish(page) {
  const bar = page.getByRole('banner'); // the application frame, not the sign-in page
  await bar.waitFor();
  const en = bar.getByRole('button', { name: 'English', exact: true });
  if ((await en.getAttribute('aria-pressed')) === 'true') return;
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
  await en.click();
  await bar.getByRole('button', { name: 'English', exact: true, pressed: true }).waitFor();
  await saved;
}

/** JSON API call with the page's cookie session (CSRF token from GET /me). */
export async function apiCall(page, method, url, { body, ifMatch } = {}) {
  const req = page.context().request;
  const me = await req.get(`${BASE}/api/v1/me`);
  const csrf = (await me.json()).csrf_token;
  const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ?? '' };
  if (ifMatch) headers['If-Match'] = ifMatch;
  const res = await req.fetch(`${BASE}${url}`, { method, headers, data: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  return { status: res.status(), headers: res.headers(), json };
}
