// Identity in a real browser: enrol through an invitation link with a virtual passkey
// authenticator, sign out, sign in, add and revoke passkeys, and be refused once the agency
// withdraws from the Information Sharing Agreement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, Browser, screenshot, accessibilityViolations, addVirtualAuthenticator } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await Server.start({ seedDemo: true });
  browser = await Browser.launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a first administrator enrols, signs out, signs in and manages passkeys', async () => {
  const page = await browser.newPage();
  const authenticator = await addVirtualAuthenticator(page);
  const [adminLink] = server.enrolmentLinks().filter((l) => server.stdout.includes(l));
  assert.ok(adminLink, 'serve printed the first administrator\'s link');

  await server.enrol(page, adminLink, 'Test laptop', 'enrol');
  await assert.doesNotReject(page.getByText('First Administrator').first().waitFor());
  assert.equal((await authenticator.credentials()).length, 1, 'a resident passkey was created');
  assert.deepEqual(await accessibilityViolations(page), []);

  // The link is single-use.
  const again = await browser.newPage();
  await addVirtualAuthenticator(again);
  await again.goto(adminLink);
  await again.waitForSelector('body[data-hydrated="true"]');
  await again.getByRole('button', { name: 'Create a passkey' }).click();
  await assert.doesNotReject(again.getByText('expired or has already been used').waitFor());
  await screenshot(again, 'enrol-used-link');
  await again.context().close();

  // Sign out ends the session on the server.
  const cookieBefore = (await page.context().cookies()).find((c) => c.name === '__Host-roundtable');
  assert.ok(cookieBefore?.httpOnly && cookieBefore.secure && cookieBefore.sameSite === 'Strict');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.search.includes('signed-out=1'));
  await assert.doesNotReject(page.getByRole('link', { name: 'Sign in' }).waitFor());
  const replay = await fetch(`${server.baseUrl}/account`, { headers: { cookie: `__Host-roundtable=${cookieBefore.value}` } });
  const replayed = await replay.text();
  assert.ok(replayed.includes('You need to sign in to see this page'), 'the old session id gets the sign-in prompt');
  assert.ok(!replayed.includes('First Administrator'), 'the old session id no longer works');

  // Sign in with the passkey; no username is asked for.
  await page.goto(`${server.baseUrl}/sign-in`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await screenshot(page, 'sign-in');
  assert.deepEqual(await accessibilityViolations(page), []);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL(`${server.baseUrl}/`);
  await assert.doesNotReject(page.getByText('First Administrator').first().waitFor());
  const cookieAfter = (await page.context().cookies()).find((c) => c.name === '__Host-roundtable');
  assert.notEqual(cookieAfter.value, cookieBefore.value, 'a new session id at sign-in');

  // Add a passkey on a second device, then revoke the first.
  await authenticator.remove();
  const second = await addVirtualAuthenticator(page);
  await page.goto(`${server.baseUrl}/account`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByLabel('Name the new passkey (optional)').fill('Spare key');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await assert.doesNotReject(page.locator('#passkeys').getByText('Spare key').first().waitFor());
  assert.equal((await second.credentials()).length, 1);
  // Removing a passkey ends the sessions it opened: sign in with the new one before removing
  // the one this session was opened with.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.search.includes('signed-out=1'));
  await page.goto(`${server.baseUrl}/sign-in`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL(`${server.baseUrl}/`);
  await server.open(page, '/account');
  await page.getByRole('button', { name: 'Remove Test laptop' }).click();
  await page.waitForFunction(() => !document.querySelector('#passkeys').innerText.includes('Test laptop'));
  await screenshot(page, 'account');
  assert.deepEqual(await accessibilityViolations(page), []);
  // The only passkey left cannot be removed.
  await page.getByRole('button', { name: 'Remove Spare key' }).click();
  await assert.doesNotReject(page.getByText('You cannot remove your only passkey').waitFor());
  const audit = server.sql('SELECT action FROM audit_log ORDER BY seq');
  for (const action of ['passkey.enrol', 'session.sign_in', 'session.sign_out', 'passkey.add', 'passkey.revoke']) {
    assert.ok(audit.includes(action), `audited: ${action}`);
  }
  await page.context().close();
});

test('adding a passkey asks for a fresh passkey check first', async () => {
  const page = await browser.newPage();
  const first = await addVirtualAuthenticator(page);
  await server.enrol(page, server.linkFor('Morgan Ashby'), 'Desk');
  const checks = () => Number(server.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'session.reauthenticate' AND outcome = 'success'").trim());
  const before = checks();

  // Six minutes later, adding a passkey first asks for one the person already has (the
  // authenticator then refuses to make a second passkey for the same account: nothing added).
  server.sql('UPDATE sessions SET reauthenticated_at = reauthenticated_at - 360');
  await server.open(page, '/account');
  await page.getByLabel('Name the new passkey (optional)').fill('Tablet');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.locator('.rt-error-summary:not([hidden])').waitFor();
  assert.equal(checks(), before + 1, 'the passkey check came first');
  let listed = await page.locator('#passkeys').innerText();
  assert.ok(listed.includes('Desk') && !listed.includes('Tablet'), 'the page and its passkey are there; nothing was added');

  // On another device, within the five minutes, the same form adds it, without asking again.
  await first.remove();
  await addVirtualAuthenticator(page);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await assert.doesNotReject(page.locator('#passkeys').getByText('Tablet').first().waitFor());
  assert.equal(checks(), before + 1, 'no second check within five minutes');
  listed = await page.locator('#passkeys').innerText();
  assert.ok(listed.includes('Desk') && listed.includes('Tablet'));
  const sent = server.sql("SELECT subject FROM email_outbox WHERE to_address LIKE 'morgan.ashby@%'");
  assert.ok(sent.includes('A passkey was added'), `the owner is told: ${sent}`);
  await screenshot(page, 'account-step-up');
  await page.context().close();
});

test('a representative loses access at once when their agency withdraws', async () => {
  const page = await browser.newPage();
  await addVirtualAuthenticator(page);
  await server.enrol(page, server.linkFor('Hollis Varga'), 'Office PC');
  await assert.doesNotReject(page.getByText('Hollis Varga').first().waitFor());
  await assert.doesNotReject(page.getByText("Wyvernshire Children's Services").first().waitFor());

  server.sql("UPDATE agencies SET isa_state = 'withdrawn', isa_state_reason = 'Test withdrawal' WHERE name = 'Wyvernshire Children''s Services'");

  await page.goto(`${server.baseUrl}/account`);
  await assert.doesNotReject(page.getByText('You need to sign in to see this page').waitFor());
  assert.equal(await page.getByText('Hollis Varga').count(), 0);
  assert.equal(server.sql("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'Hollis Varga'").trim(), '0', 'the session ended');

  // Signing in again is refused, and, their passkey being their own, they are told why.
  await page.goto(`${server.baseUrl}/sign-in`);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await assert.doesNotReject(page.getByText("agency's access to Roundtable under the Information Sharing Agreement has ended").first().waitFor());
  assert.ok((await page.locator('main').innerText()).includes('Sign in'), 'on the sign-in page still');
  await screenshot(page, 'sign-in-refused');
  await page.context().close();
});
