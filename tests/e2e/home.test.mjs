// The start page: rendered on the server, hydrated in the browser, marked, accessible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, Browser, screenshot, accessibilityViolations, addVirtualAuthenticator } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await Server.start();
  browser = await Browser.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the start page is rendered on the server with the marking and security headers', async () => {
  const res = await fetch(`${server.baseUrl}/`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<h1[^>]*>Roundtable<\/h1>/);
  assert.equal((html.match(/OFFICIAL-SENSITIVE/g) ?? []).length, 2, 'marking at top and bottom');
  const csp = res.headers.get('content-security-policy');
  const nonce = csp.match(/'nonce-([A-Za-z0-9_-]+)'/)[1];
  assert.ok(html.includes(`nonce="${nonce}"`), 'the hydration script carries this response\'s nonce');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.ok(res.headers.get('x-request-id'), 'every response carries its request id');
});

test('the start page hydrates: the criteria check answers without a reload', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.baseUrl}/`);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15_000 });
  await page.evaluate(() => { window.__noReload = 'still here'; });
  const result = page.locator('#criteria-result');
  await assert.doesNotReject(result.waitFor());
  assert.match(await result.innerText(), /does not meet the thresholds/);
  // Typing drives the result only once the wasm has hydrated the page.
  await page.locator('#dash-yes').pressSequentially('15');
  await page.waitForFunction(() => /visible high risk/.test(document.querySelector('#criteria-result').innerText), null, { timeout: 15_000 });
  await page.locator('#callouts').pressSequentially('3');
  await page.waitForFunction(() => /potential escalation/.test(document.querySelector('#criteria-result').innerText));
  assert.equal(await page.evaluate(() => window.__noReload), 'still here', 'no full page load happened');
  await assert.doesNotReject(page.getByText('OFFICIAL-SENSITIVE').first().waitFor());
  await screenshot(page, 'home-hydrated');
  assert.deepEqual(page.errors, [], 'no console errors (CSP violations show up here)');
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.context().close();
});

test('an unknown address gets the app\'s own 404 page', async () => {
  const page = await browser.newPage();
  const res = await page.goto(`${server.baseUrl}/no/such/page`);
  assert.equal(res.status(), 404);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Page not found' }).waitFor());
  assert.equal(await page.getByText('OFFICIAL-SENSITIVE').count(), 2);
  await screenshot(page, 'not-found');
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.context().close();
});

test('the harness offers a virtual passkey authenticator', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.baseUrl}/`);
  const authenticator = await addVirtualAuthenticator(page);
  assert.ok(authenticator.id);
  assert.deepEqual(await authenticator.credentials(), []);
  await authenticator.remove();
  await page.context().close();
});

test('the skip link moves focus to the main content', async () => {
  const page = await browser.newPage();
  await server.open(page, '/');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to main content', 'the first stop is the skip link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main-content', 'focus is in the main content');
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => document.activeElement?.closest('main') !== null);
  assert.ok(next, 'and the next stop is inside it, not back in the header');
});
