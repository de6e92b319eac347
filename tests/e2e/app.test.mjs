// SPDX-License-Identifier: AGPL-3.0-or-later
// End-to-end: the web application in Debian's Chromium against a real
// `klientas serve` with the demo database (tests/e2e/run starts both).
// The tests run in order and share the server's state; each asserts what a
// user sees (roles, labels, visible text), not the DOM's inner workings.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, BASE, dumpPages, ensureEnglish, launch, newPage, shot, signIn } from './lib.mjs';

const stamp = Date.now().toString(36).slice(-5);
const NEW_LOGIN = `e2e-${stamp}`;
const NEW_NAME = `Ona Testaitė ${stamp}`;
const NEW_PASSWORD = 'pirmas-slaptazodis';
const DEPT = `E2E skyrius ${stamp}`;

let browser;
let page; // the admin's page

/** A test that leaves screenshots of the open pages when it fails. */
function test(name, fn) {
  return nodeTest(name, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      await dumpPages(browser, name);
      throw e;
    }
  });
}

describe('klientas web application', () => {
  before(async () => {
    browser = await launch();
    page = await newPage(browser);
  });
  after(async () => {
    await browser?.close();
  });

  test('an anonymous visit lands on the sign-in page with the product name', async () => {
    await page.goto('/users');
    await page.waitForURL(/\/login/);
    await page.getByRole('heading', { name: 'Sign in to your account' }).waitFor();
    await page.getByText('klientas', { exact: true }).waitFor();
    await page.getByText('Customer relationship management for wholesale trade').waitFor();
    assert.equal(await page.getByLabel('Login', { exact: true }).count(), 1);
    assert.equal(await page.getByLabel('Password', { exact: true }).count(), 1);
    await shot(page, 'sign-in.png');
  });

  test('the sign-in page switches language before signing in', async () => {
    await page.getByRole('button', { name: 'Lietuvių' }).click();
    await page.getByRole('heading', { name: 'Prisijunkite prie savo paskyros' }).waitFor();
    await page.getByLabel('Slaptažodis', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('button', { name: 'Войти', exact: true }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  });

  test('a wrong password is refused with the error shown on the page', async () => {
    await signIn(page, 'admin', 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.innerText()).trim();
    assert.ok(text.length > 3, `error text shown: "${text}"`);
    assert.match(page.url(), /\/login/);
    assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'password cleared');
  });

  test('the admin signs in with the right password and is greeted by name', async () => {
    await signIn(page, 'admin');
    // Signed in, the page asked for before (/users) opens.
    await page.waitForURL(/\/users$/);
    await page.getByRole('navigation').waitFor();
    await ensureEnglish(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await page.waitForURL(new RegExp(`^${BASE}/$`));
    const me = await apiCall(page, 'GET', '/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.login, 'admin');
    await page.getByRole('heading', { level: 1, name: new RegExp(`^Good (morning|afternoon|evening), ${me.json.name}$`) }).waitFor();
    await page.locator('.hero').getByText('Administrator', { exact: true }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Home' }).waitFor();
    await nav.getByRole('link', { name: 'Users' }).waitFor();
    await nav.getByRole('link', { name: 'Departments' }).waitFor();
    await shot(page, 'home.png');
  });

  test('switching to Lithuanian and Russian changes the navigation at once and is kept', async () => {
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(/\/users$/);
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByRole('cell', { name: 'vadybininkas1', exact: true }).waitFor();
    await shot(page, 'users-en.png');

    await page.getByRole('button', { name: 'Lietuvių' }).click();
    await nav.getByRole('link', { name: 'Naudotojai' }).waitFor();
    await nav.getByRole('link', { name: 'Skyriai' }).waitFor();
    await nav.getByRole('link', { name: 'Pradžia' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Naudotojai' }).waitFor();
    await page.getByRole('button', { name: 'Naujas naudotojas' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
    await shot(page, 'users-lt.png');

    await page.getByRole('button', { name: 'Русский' }).click();
    await nav.getByRole('link', { name: 'Пользователи' }).waitFor();
    await nav.getByRole('link', { name: 'Отделы' }).waitFor();
    await nav.getByRole('link', { name: 'Главная' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Пользователи' }).waitFor();
    await page.getByRole('columnheader', { name: 'Логин' }).waitFor();
    await shot(page, 'users-ru.png');

    // The choice is the user's setting (PATCH /api/v1/me): it survives a reload.
    await page.waitForFunction(async () => (await (await fetch('/api/v1/me')).json()).lang === 'ru');
    await page.reload();
    await page.getByRole('navigation').getByRole('link', { name: 'Пользователи' }).waitFor();

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  });

  test('the admin creates a user through the dialog and sees it in the table', async () => {
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor();
    await dialog.getByLabel('Login', { exact: true }).fill(NEW_LOGIN);
    await dialog.getByLabel('Name', { exact: true }).fill(NEW_NAME);
    await dialog.getByLabel('Role', { exact: true }).selectOption({ label: 'Account manager' });
    await dialog.getByLabel('Department', { exact: true }).selectOption({ label: 'Didmeninė prekyba' });
    await dialog.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await dialog.getByLabel('Language', { exact: true }).selectOption({ label: 'English' });
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: NEW_LOGIN, exact: true }) });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(NEW_NAME));
    assert.match(text, /Account manager/);
    assert.match(text, /Didmeninė prekyba/);
    assert.match(text, /Active/);
    await page.getByRole('status').filter({ hasText: `User ${NEW_LOGIN} created.` }).waitFor();
  });

  test('a duplicate login is reported next to the login field', async () => {
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Login', { exact: true }).fill('vadybininkas1');
    await dialog.getByLabel('Name', { exact: true }).fill('Dar vienas');
    await dialog.getByLabel('Password', { exact: true }).fill('geras-slaptazodis');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const err = dialog.locator('[data-field="login"] .field-error');
    await err.waitFor();
    assert.ok((await err.innerText()).trim().length > 0);
    assert.equal(await dialog.getByLabel('Login', { exact: true }).getAttribute('aria-invalid'), 'true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('a too short password is reported next to the password field', async () => {
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Login', { exact: true }).fill(`short-${stamp}`);
    await dialog.getByLabel('Name', { exact: true }).fill('Trumpas Slaptažodis');
    await dialog.getByLabel('Password', { exact: true }).fill('abc');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const err = dialog.locator('[data-field="password"] .field-error');
    await err.waitFor();
    assert.ok((await err.innerText()).trim().length > 0);
    assert.equal(await dialog.locator('[data-field="login"] .field-error').count(), 0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByRole('cell', { name: `short-${stamp}`, exact: true }).count(), 0);
  });

  test('editing a user that someone else changed meanwhile says so, and saves after a reload', async () => {
    await page.getByRole('button', { name: `Edit ${NEW_LOGIN}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit user ${NEW_LOGIN}` });
    const name = dialog.getByLabel('Name', { exact: true });
    await name.waitFor();
    assert.equal(await name.inputValue(), NEW_NAME);

    // Someone else renames the user behind the dialog's back.
    const list = await apiCall(page, 'GET', `/api/v1/users?limit=200`);
    const id = list.json.items.find((u) => u.login === NEW_LOGIN)?.id;
    assert.ok(id, 'created user is listed by the API');
    const cur = await apiCall(page, 'GET', `/api/v1/users/${id}`);
    const other = await apiCall(page, 'PATCH', `/api/v1/users/${id}`, { body: { name: `${NEW_NAME} (kitas)` }, ifMatch: cur.headers.etag });
    assert.equal(other.status, 200, `background PATCH: ${JSON.stringify(other.json)}`);

    await name.fill(`${NEW_NAME} (mano)`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'changed by someone else' }).waitFor();
    await dialog.getByRole('button', { name: 'Reload' }).click();
    await dialog.getByLabel('Name', { exact: true }).waitFor();
    assert.equal(await dialog.getByLabel('Name', { exact: true }).inputValue(), `${NEW_NAME} (kitas)`);
    await dialog.getByLabel('Name', { exact: true }).fill(`${NEW_NAME} (mano)`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: `${NEW_NAME} (mano)`, exact: true }).waitFor();
  });

  test('departments: create, choose a head, a department with users cannot be deleted', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Departments' }).click();
    await page.getByRole('heading', { level: 1, name: 'Departments' }).waitFor();
    await page.getByRole('cell', { name: 'Didmeninė prekyba', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Logistika', exact: true }).waitFor();
    await shot(page, 'departments.png');

    await page.getByRole('button', { name: 'New department' }).click();
    let dialog = page.getByRole('dialog', { name: 'New department' });
    await dialog.getByLabel('Name', { exact: true }).fill(DEPT);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: DEPT, exact: true }) });
    await row.waitFor();
    assert.match(await row.innerText(), /No head/);

    await page.getByRole('button', { name: `Edit ${DEPT}` }).click();
    dialog = page.getByRole('dialog', { name: 'Edit department' });
    const head = dialog.getByLabel('Head', { exact: true });
    await head.waitFor();
    const option = head.locator('option', { hasText: `${NEW_NAME} (mano)` });
    await head.selectOption({ label: (await option.innerText()).trim() });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByRole('cell', { name: `${NEW_NAME} (mano)`, exact: true }).waitFor();

    await page.getByRole('button', { name: 'Delete Didmeninė prekyba' }).click();
    dialog = page.getByRole('dialog', { name: 'Delete department' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    assert.ok((await alert.innerText()).trim().length > 3, 'the 409 message is shown');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('cell', { name: 'Didmeninė prekyba', exact: true }).waitFor();

    await page.getByRole('button', { name: `Delete ${DEPT}` }).click();
    dialog = page.getByRole('dialog', { name: 'Delete department' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.waitFor({ state: 'detached' });
  });

  test('the admin deactivates a user', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: `Deactivate ${NEW_LOGIN}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Deactivate user' });
    await dialog.getByRole('button', { name: 'Deactivate' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: NEW_LOGIN, exact: true }) });
    await row.getByText('Inactive', { exact: true }).waitFor();
    // and back, so the next test can sign in as this user
    await page.getByRole('button', { name: `Activate ${NEW_LOGIN}` }).click();
    const d2 = page.getByRole('dialog');
    await d2.getByRole('button', { name: 'Activate', exact: true }).click();
    await d2.waitFor({ state: 'detached' });
    await row.getByText('Active', { exact: true }).waitFor();
  });

  test('signing out returns to the sign-in page', async () => {
    await page.getByRole('button', { name: /^User menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    await page.goto('/users');
    await page.waitForURL(/\/login/);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(me, 401);
  });

  test('a new user signs in and changes the password in the dialog', async () => {
    const p = await newPage(browser);
    await p.goto('/login');
    await signIn(p, NEW_LOGIN, NEW_PASSWORD);
    await p.getByRole('heading', { level: 1, name: new RegExp(`${NEW_NAME} \\(mano\\)`) }).waitFor();
    await p.locator('.hero').getByText('Account manager').waitFor();
    await p.getByRole('button', { name: /^User menu/ }).click();
    await p.getByRole('menuitem', { name: 'Change password' }).click();
    const dialog = p.getByRole('dialog', { name: 'Change password' });
    await dialog.getByLabel('Current password', { exact: true }).fill(NEW_PASSWORD);
    await dialog.getByLabel('New password', { exact: true }).fill('antras-slaptazodis');
    await dialog.getByLabel('Repeat new password', { exact: true }).fill('kitoks-slaptazodis');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.locator('[data-field="repeat"] .field-error').filter({ hasText: 'The passwords do not match.' }).waitFor();
    await dialog.getByLabel('Repeat new password', { exact: true }).fill('antras-slaptazodis');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await p.getByText('Your password has been changed.').waitFor();
    await p.getByRole('button', { name: /^User menu/ }).click();
    await p.getByRole('menuitem', { name: 'Sign out' }).click();
    await p.waitForURL(/\/login$/);
    await signIn(p, NEW_LOGIN, 'antras-slaptazodis');
    await p.getByRole('navigation').waitFor();
    await p.context().close();
  });

  test('a manager does not see the Users or Departments entries and cannot open them', async () => {
    const p = await newPage(browser);
    await p.goto('/');
    await signIn(p, 'vadybininkas1');
    const nav = p.getByRole('navigation');
    await nav.waitFor();
    // The demo manager's own setting is Lithuanian: it wins over the English browser.
    const me = await apiCall(p, 'GET', '/api/v1/me');
    if (me.json.lang === 'lt') await nav.getByRole('link', { name: 'Šiandien' }).waitFor();
    await ensureEnglish(p);
    // A manager's home is his Today page.
    await nav.getByRole('link', { name: 'Today' }).waitFor();
    await nav.getByRole('link', { name: 'Clients' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Home' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Departments' }).count(), 0);
    assert.equal(await p.locator('a[href="/users"]').count(), 0);
    await p.locator('.hero').getByText('Account manager', { exact: true }).waitFor();
    await p.goto('/users');
    await p.getByText('You do not have access to this page.').first().waitFor();
    await p.context().close();
  });

  test('on a narrow screen the navigation opens from the menu button', async () => {
    const p = await newPage(browser, { viewport: { width: 390, height: 800 } });
    await p.goto('/login');
    await signIn(p, 'direktorius');
    await p.getByRole('heading', { level: 1 }).waitFor();
    await ensureEnglish(p);
    const menu = p.getByRole('button', { name: 'Menu', exact: true });
    await menu.waitFor();
    assert.equal(await p.getByRole('navigation').getByRole('link', { name: 'Home' }).isVisible(), false, 'drawer starts closed');
    await menu.click();
    const home = p.getByRole('navigation').getByRole('link', { name: 'Home' });
    await home.waitFor();
    await p.locator('.hero').getByText('Director', { exact: true }).waitFor();
    assert.equal(await p.getByRole('navigation').getByRole('link', { name: 'Users' }).count(), 0);
    await home.click();
    await p.waitForFunction(() => !document.querySelector('.app')?.classList.contains('drawer-open'));
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no horizontal scrolling (${width}px)`);
    await p.context().close();
  });
});

nodeTest('the server answers /healthz', async () => {
  const res = await fetch(`${BASE}/healthz`);
  assert.equal(res.status, 200);
});
