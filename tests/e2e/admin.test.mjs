// Administration in a real browser: invite a person who then enrols, suspend an agency after a
// passkey check (its people lose access at once), and check the audit log, before and after
// someone tampers with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, Browser, screenshot, accessibilityViolations, addVirtualAuthenticator } from './harness.mjs';

let server;
let browser;
let admin;

async function open(page, pathName, shot) {
  await server.open(page, pathName);
  if (shot) {
    await screenshot(page, shot);
    assert.deepEqual(await accessibilityViolations(page), [], `${pathName} is accessible`);
  }
}

before(async () => {
  server = await Server.start({ seedDemo: true });
  browser = await Browser.launch();
  admin = await browser.newPage();
  await addVirtualAuthenticator(admin);
  const adminLink = server.enrolmentLinks().find((l) => server.stdout.includes(l));
  await server.enrol(admin, adminLink);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an administrator invites a person, who enrols with the link they are given', async () => {
  await open(admin, '/admin', 'admin-home');
  await admin.getByRole('link', { name: 'People' }).click();
  await admin.waitForSelector('#invite-person');
  await admin.waitForSelector('body[data-hydrated="true"]');

  // An empty form: an error summary that links to each field, and nothing created.
  await admin.locator('#invite-person').click();
  const summary = admin.locator('.rt-error-summary:not([hidden])');
  await assert.doesNotReject(summary.waitFor());
  assert.ok(await summary.evaluate((el) => el === document.activeElement), 'focus moves to the error summary');
  await assert.doesNotReject(summary.getByRole('link', { name: /full name/i }).waitFor());
  await screenshot(admin, 'admin-people-errors');
  assert.deepEqual(await accessibilityViolations(admin), []);
  await summary.getByRole('link', { name: /full name/i }).click();
  assert.equal(await admin.evaluate(() => document.activeElement.id), 'person-name', 'the summary link focuses the field');

  await admin.getByLabel('Full name').fill('Alex Fenwick');
  await admin.getByLabel('Work email').fill('alex.fenwick@wyvernhomes.invalid');
  await admin.getByLabel('Agency', { exact: true }).selectOption({ label: 'Wyvern Homes' });
  await admin.getByLabel('Agency representative').check();
  await admin.locator('#invite-person').click();
  const link = await admin.locator('#enrolment-link').innerText();
  assert.match(link, /\/enrol#[A-Za-z0-9_-]+$/);
  await screenshot(admin, 'admin-people-link');
  assert.ok((await admin.locator('#people').innerText()).includes('Alex Fenwick'));

  const alex = await browser.newPage();
  await addVirtualAuthenticator(alex);
  await server.enrol(alex, link);
  await assert.doesNotReject(alex.getByText('Alex Fenwick').first().waitFor());
  assert.equal(await alex.getByRole('link', { name: 'Administration' }).count(), 0, 'no administration for a representative');
  await alex.context().close();
});

test('suspending an agency asks for a passkey check and ends its people\'s access at once', async () => {
  const rowan = await browser.newPage();
  await addVirtualAuthenticator(rowan);
  await server.enrol(rowan, server.linkFor('Rowan Ellery'));
  await assert.doesNotReject(rowan.getByText('Rowan Ellery').first().waitFor());

  // The administrator signed in more than five minutes ago.
  server.sql('UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600');
  await open(admin, '/admin/agencies', 'admin-agencies');
  await admin.getByRole('link', { name: 'Wyvern Homes' }).click();
  await admin.waitForSelector('#change-standing');
  await admin.waitForSelector('body[data-hydrated="true"]');
  await screenshot(admin, 'admin-agency');
  assert.deepEqual(await accessibilityViolations(admin), []);
  await admin.getByLabel('New standing').selectOption('suspended');
  await admin.getByLabel('Reason').fill('Security incident under investigation');
  await admin.locator('#change-standing').click();
  await assert.doesNotReject(admin.locator('.rt-notice').getByText(/suspended/i).waitFor());
  await screenshot(admin, 'admin-agency-suspended');
  const audit = server.sql("SELECT action FROM audit_log ORDER BY seq");
  assert.ok(audit.includes('session.reauthenticate'), `the passkey check was audited: ${audit}`);

  await rowan.goto(`${server.baseUrl}/account`);
  await assert.doesNotReject(rowan.getByText('You need to sign in').first().waitFor());
  assert.equal(await rowan.getByText('Rowan Ellery').count(), 0);
  await rowan.context().close();
});

test('the audit page finds an altered entry', async () => {
  await open(admin, '/admin/isa', 'admin-isa');
  await open(admin, '/admin/sessions', 'admin-sessions');
  await open(admin, '/audit', null);
  await admin.locator('#verify-audit').click();
  await assert.doesNotReject(admin.locator('#audit-result').getByText('The audit log is intact').waitFor());
  assert.match(await admin.locator('#audit-head').innerText(), /^\d+:[0-9a-f]{64}$/);
  await screenshot(admin, 'audit-intact');
  assert.deepEqual(await accessibilityViolations(admin), []);

  // Someone with the database file, or its owner on PostgreSQL, removes the guard and edits.
  const on = server.engine === 'postgres' ? ' ON audit_log' : '';
  server.sql(`DROP TRIGGER audit_log_no_update${on}; UPDATE audit_log SET outcome = 'denied' WHERE seq = 2`);
  await admin.locator('#verify-audit').click();
  await assert.doesNotReject(admin.locator('#audit-result').getByText('altered at entry 2').waitFor());
  await screenshot(admin, 'audit-broken');
});

test('the data protection officer filters the audit log and exports an extract after a passkey check', async () => {
  const dpo = await browser.newPage();
  await addVirtualAuthenticator(dpo);
  await server.enrol(dpo, server.linkFor('Ifeoma Castellanos'));
  await server.open(dpo, '/audit');
  await dpo.locator('#audit-entries').waitFor();
  await dpo.locator('#audit-action').selectOption('session.sign_in');
  await dpo.locator('#search-audit').click();
  await dpo.waitForFunction(() => document.querySelector('#audit-entries tbody').innerText.includes('session.sign_in'));
  const shown = await dpo.locator('#audit-entries tbody').innerText();
  assert.ok(!shown.includes('case.read'), 'only the chosen action');
  await screenshot(dpo, 'audit-search');
  assert.deepEqual(await accessibilityViolations(dpo), []);

  server.sql('UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600');
  await dpo.locator('#export-audit').click();
  await dpo.locator('#audit-download').waitFor();
  assert.ok((await dpo.locator('#audit-download').getAttribute('href')).startsWith('data:text/csv'));
  const audit = server.sql("SELECT action FROM audit_log WHERE action IN ('session.reauthenticate', 'audit.export') ORDER BY seq");
  assert.ok(audit.includes('session.reauthenticate') && audit.includes('audit.export'), audit);
  await dpo.context().close();
});

test('a privileged role granted by the administrator takes effect only when the DPO approves it', async () => {
  server.sql('UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600');
  await open(admin, '/admin/people', null);
  await admin.waitForSelector('#invite-person');
  await admin.getByLabel('Full name').fill('Dana Quill');
  await admin.getByLabel('Work email').fill('dana.quill@adults.wyvernshire.invalid');
  await admin.getByLabel('Agency', { exact: true }).selectOption({ label: 'Wyvernshire Adult Social Care' });
  await admin.getByLabel('Data protection officer').check();
  await admin.locator('#invite-person').click();
  await admin.locator('#enrolment-link').waitFor();
  assert.ok((await admin.locator('#awaiting-approval').innerText()).includes('Data protection officer'), 'the role waits');
  await admin.waitForFunction(() => document.querySelector('#role-grants')?.innerText.includes('Dana Quill'));
  const row = await admin.locator('#role-grant-list').innerText();
  assert.ok(row.includes('Someone else must decide'), 'the administrator cannot approve their own grant');
  assert.equal(await admin.locator('#role-grant-list').getByRole('button', { name: /Approve/ }).count(), 0);
  await screenshot(admin, 'admin-grant-waiting');
  assert.deepEqual(await accessibilityViolations(admin), []);
  assert.equal(server.sql("SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.name = 'Dana Quill'").trim(), '0');

  const dpo = await browser.newPage();
  await addVirtualAuthenticator(dpo);
  await server.enrol(dpo, server.linkFor('Nadia Fairweather'));
  server.sql('UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600');
  await server.open(dpo, '/audit');
  await dpo.locator('#role-grant-list').waitFor();
  assert.ok((await dpo.locator('#role-grant-list').innerText()).includes('Dana Quill'));
  await dpo.getByRole('button', { name: 'Approve roles for Dana Quill' }).click();
  await assert.doesNotReject(dpo.locator('#grant-decided').getByText('were approved').waitFor());
  await screenshot(dpo, 'audit-grant-approved');
  assert.deepEqual(await accessibilityViolations(dpo), []);
  assert.equal(server.sql("SELECT role FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.name = 'Dana Quill'").trim(), 'data_protection_officer');
  const audit = server.sql("SELECT action FROM audit_log WHERE action LIKE 'role_grant.%' OR action = 'session.reauthenticate' ORDER BY seq");
  assert.ok(audit.includes('role_grant.request') && audit.includes('role_grant.approve') && audit.includes('session.reauthenticate'), audit);
  await dpo.context().close();
});
