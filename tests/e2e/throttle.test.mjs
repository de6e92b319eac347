// SPDX-License-Identifier: AGPL-3.0-or-later
// End-to-end: sign-in throttling. Runs LAST (tests/e2e/run puts this file at
// the end): throttling also counts failures per address, so after it no
// sign-in from this machine works for a while.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dumpPages, launch, newPage, signIn } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('too many failed attempts say when to try again, in minutes', async () => {
  const p = await newPage(browser);
  try {
    await p.goto('/login');
    let text = '';
    for (let i = 0; i < 15; i++) {
      await signIn(p, 'logistikas', `wrong-${i}`);
      const alert = p.getByRole('alert');
      await alert.waitFor();
      await p.getByRole('button', { name: 'Sign in', exact: true }).and(p.locator(':enabled')).waitFor();
      text = (await alert.innerText()).trim();
      if (/Too many attempts/.test(text)) break;
    }
    assert.match(text, /^Too many attempts\. Try again in \d+ minutes?\.$/);
  } catch (e) {
    await dumpPages(browser, 'throttle');
    throw e;
  }
  await p.context().close();
});
