// The idle timeout, with the browser's clock under the test's control (Playwright's clock) and
// the server's session aged in its database: a warning two minutes before, "Stay signed in",
// typing that keeps the session alive, and, once the session has ended, a sign-in that comes
// back to the same page with what was typed put back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWorld, checked, addVirtualAuthenticator } from './harness.mjs';

const world = demoWorld();

test('a coordinator who stops typing is warned, stays signed in, and after the timeout loses nothing', async () => {
  const page = await world.browser.newPage();
  await page.clock.install();
  await addVirtualAuthenticator(page);
  await world.server.enrol(page, world.server.linkFor('Priya Lakeland'));
  await world.server.open(page, '/triage');
  await page.locator('#triage a.rt-link').first().click();
  await page.waitForURL(/\/triage\/[0-9a-f-]{36}$/);
  await page.waitForSelector('#information-request');
  const path = new URL(page.url()).pathname;
  const question = 'Does the victim still live at the address given, and is the perpetrator on bail?';
  await page.locator('#information-request').fill(question);

  // Thirteen and a half minutes without a word to the server: the warning, with its button focused.
  await page.clock.fastForward('13:30');
  const warning = page.locator('#session-warning');
  await assert.doesNotReject(warning.waitFor({ state: 'visible' }), 'warned two minutes before the end');
  await assert.doesNotReject(warning.getByText('you will be signed out in 2 minutes').waitFor());
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'stay-signed-in', 'focus is on "Stay signed in"');
  await checked(page, 'session-warning');
  await page.keyboard.press('Enter');
  await warning.waitFor({ state: 'hidden' });
  await assert.doesNotReject(page.locator('#session-status').getByText('You are still signed in.').waitFor());

  // Typing counts as using the session: after a minute or more it sends a keep-alive.
  await page.clock.fastForward('02:00');
  const keepAlive = page.waitForResponse((r) => r.url().endsWith('/api/session/times'));
  await page.locator('#information-request').press('End');
  await page.locator('#information-request').pressSequentially(' Thanks.');
  await assert.doesNotReject(keepAlive, 'typing kept the session alive');
  const typed = `${question} Thanks.`;

  // The person goes quiet; meanwhile the server's session runs out (aged by an hour).
  world.server.sql("UPDATE sessions SET last_seen_at = last_seen_at - 3600");
  await page.clock.fastForward('16:00');
  const ended = page.locator('#session-ended');
  await assert.doesNotReject(ended.waitFor({ state: 'visible' }), 'the page says the session has ended');
  await assert.doesNotReject(page.locator('header').getByRole('link', { name: 'Sign in' }).waitFor(), 'the header no longer shows them signed in');
  assert.equal(await page.locator('#information-request').inputValue(), typed, 'the text is still on the page');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-in-again');
  await checked(page, 'session-ended');

  await page.locator('#sign-in-again').click();
  await page.waitForURL((url) => url.pathname === '/sign-in' && url.search === `?next=${path}`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.locator('#sign-in').click();
  await page.waitForURL((url) => url.pathname === path, { timeout: 15_000 });
  await page.waitForSelector('#information-request');
  await assert.doesNotReject(page.locator('#kept-text-notice').getByText('What you typed before your session ended was put back').waitFor());
  assert.equal(await page.locator('#information-request').inputValue(), typed, 'the text is back');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'and no longer kept in the browser');
  await checked(page, 'session-text-restored');
});

test('text kept for one person is not put back for another', async () => {
  const page = await world.browser.newPage();
  await addVirtualAuthenticator(page);
  await world.server.enrol(page, world.server.linkFor('Morgan Ashby'));
  await world.server.open(page, '/cases');
  await page.evaluate(() => sessionStorage.setItem(
    `roundtable-kept-text:${location.pathname}`,
    JSON.stringify({ user: 'someone-else', at: Date.now(), fields: [['search', 'Thornbury']] }),
  ));
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  await assert.doesNotReject(page.getByRole('heading', { level: 1 }).first().waitFor(), 'the page loads as usual');
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#kept-text-notice').isVisible(), false, 'nothing was put back');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'and what was kept for someone else is gone');
});
