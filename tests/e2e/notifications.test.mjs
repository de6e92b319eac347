// SPDX-License-Identifier: AGPL-3.0-or-later
// End-to-end: the notifications bell (issue 4 item 8). A manager promises a
// call-back that is already due; the `reminders` job (every minute) tells him;
// the bell in the top bar shows the unread count, its panel lists the reminder
// as words in English and in Lithuanian (screenshots), a reminder leads to the
// client's card, and mark read / mark all read bring the count down.
import { after, before, describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { apiCall, dumpPages, ensureEnglish, launch, newPage, shot, signIn } from './lib.mjs';

let browser;
let page; // vadybininkas1's

function test(name, opts, fn) {
  if (typeof opts === 'function') [opts, fn] = [{}, opts];
  return nodeTest(name, opts, async (t) => {
    try {
      await fn(t);
    } catch (e) {
      await dumpPages(browser, name);
      throw e;
    }
  });
}

const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const bell = (p) => p.getByRole('banner').locator('.bell-btn');
const panel = (p, name) => p.getByRole('dialog', { name });

async function unreadNow(p) {
  const r = await apiCall(p, 'GET', '/api/v1/notifications?limit=1');
  assert.equal(r.status, 200);
  return r.json.unread;
}

/** Wait until the server counts n unread (a mark-read request may still be on its way). */
async function waitUnread(p, n) {
  const deadline = Date.now() + 10_000;
  let got = await unreadNow(p);
  while (got !== n && Date.now() < deadline) {
    await p.waitForTimeout(100);
    got = await unreadNow(p);
  }
  assert.equal(got, n);
}

describe('the notifications bell', () => {
  let clients = [];

  before(async () => {
    browser = await launch();
    page = await newPage(browser);
    await page.goto('/login');
    await signIn(page, 'vadybininkas1');
    await ensureEnglish(page);
  });
  after(async () => {
    await browser?.close();
  });

  test('call-backs that are due become reminders within a minute', { timeout: 150_000 }, async () => {
    const me = (await apiCall(page, 'GET', '/api/v1/me')).json.id;
    const r = await apiCall(page, 'GET', `/api/v1/clients?owner_id=${me}&limit=100`);
    assert.equal(r.status, 200);
    // Two of his clients nobody has logged anything with (a later activity would
    // settle the call-back before the job sees it).
    for (const c of r.json.items) {
      if (clients.length === 2) break;
      const acts = await apiCall(page, 'GET', `/api/v1/activities?client_id=${c.id}&limit=1`);
      if (acts.status === 200 && acts.json.items.length === 0) clients.push(c);
    }
    assert.equal(clients.length, 2, 'two untouched clients of the demo manager');
    const now = Date.now();
    const ids = [];
    for (const c of clients) {
      const a = await apiCall(page, 'POST', '/api/v1/activities', {
        body: { client_id: c.id, type: 'call', outcome: 'call_back', at: iso(now - 2000), callback_at: iso(now - 1000) },
      });
      assert.equal(a.status, 201, JSON.stringify(a.json));
      ids.push(a.json.id);
    }
    // The job runs every minute: wait for its next run.
    const deadline = Date.now() + 130_000;
    let found = [];
    while (found.length < 2 && Date.now() < deadline) {
      const list = await apiCall(page, 'GET', '/api/v1/notifications?limit=100');
      found = list.json.items.filter((n) => n.kind === 'call_back_due' && ids.includes(n.entity_id));
      if (found.length < 2) await page.waitForTimeout(1000);
    }
    assert.equal(found.length, 2, 'the reminders were not made in time');
    assert.deepEqual(found.map((n) => n.data.client_id).sort(), clients.map((c) => c.id).sort());
  });

  test('the bell shows the unread count and its panel lists the reminder (en, lt)', async () => {
    const [client] = clients;
    await page.reload();
    const unread = await unreadNow(page);
    assert.ok(unread >= 2);
    await bell(page).waitFor();
    assert.equal(await bell(page).getAttribute('aria-label'), `Notifications: ${unread} unread`);
    assert.equal((await page.getByTestId('bell-count').innerText()).trim(), unread > 99 ? '99+' : String(unread));

    await bell(page).click();
    const p = panel(page, 'Notifications');
    await p.waitFor();
    const item = p.locator('li[data-kind="call_back_due"]').filter({ hasText: `Call back: ${client.name}` });
    await item.first().waitFor();
    await item.first().getByText(/^promised for /).waitFor();
    // Words, never codes.
    assert.equal(await p.getByText('call_back_due').count(), 0);
    await shot(page, 'notifications-en.png');

    // Lithuanian: the same list in other words.
    await page.getByRole('banner').getByRole('button', { name: 'Lietuvių', exact: true }).click();
    await page.getByRole('banner').getByRole('button', { name: 'Lietuvių', exact: true, pressed: true }).waitFor();
    if (!(await panel(page, 'Pranešimai').isVisible())) await bell(page).click();
    const lt = panel(page, 'Pranešimai');
    await lt.waitFor();
    await lt.locator('li[data-kind="call_back_due"]').filter({ hasText: `Perskambinti: ${client.name}` }).first().waitFor();
    assert.match(await bell(page).getAttribute('aria-label'), /^Pranešimai: \d+ neperskaityt/);
    await shot(page, 'notifications-lt.png');
    await page.keyboard.press('Escape');
    await lt.waitFor({ state: 'detached' });
    // Escape gives the focus back to the bell; a press outside the panel closes it too.
    assert.ok(await bell(page).evaluate((el) => el === document.activeElement), 'the bell lost the focus');
    await bell(page).click();
    await lt.waitFor();
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    await lt.waitFor({ state: 'detached' });
    await ensureEnglish(page);
  });

  test('mark read lowers the count; a reminder leads to the client card; mark all read empties the bell', async () => {
    const [client, second] = clients;
    const before = await unreadNow(page);
    assert.ok(before >= 2);
    await bell(page).click();
    const p = panel(page, 'Notifications');
    await p.waitFor();
    const item = p.locator('li[data-kind="call_back_due"]').filter({ hasText: `Call back: ${second.name}` }).first();
    await item.getByRole('button', { name: `Mark read: Call back: ${second.name}` }).click();
    await page.getByRole('banner').getByRole('button', { name: `Notifications: ${before - 1} unread`, exact: true }).waitFor();
    await waitUnread(page, before - 1);

    // A reminder opens the client's card (and is read).
    await p.locator('li[data-kind="call_back_due"]').filter({ hasText: `Call back: ${client.name}` }).first().locator('.bell-item-main').click();
    await page.waitForURL((u) => u.pathname === `/clients/${client.id}`);
    await p.waitFor({ state: 'detached' });
    await waitUnread(page, before - 2);

    await bell(page).click();
    await p.waitFor();
    const all = p.getByRole('button', { name: 'Mark all read' });
    if (before - 2 > 0) {
      await all.click();
      await page.getByRole('banner').getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    }
    assert.equal(await page.getByTestId('bell-count').count(), 0);
    await waitUnread(page, 0);
    await p.getByText('All read', { exact: true }).waitFor();
    assert.ok(await all.isDisabled());
  });
});
