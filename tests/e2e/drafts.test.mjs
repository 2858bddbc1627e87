// Drafts that cannot be lost: a referrer types and at once follows a link, or leaves the page
// altogether, and what they typed is saved with no error in the page's console; leaving while a
// save has failed asks first; deleting a draft asks first, on a page of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWorld, checked } from './harness.mjs';

const world = demoWorld();

/** Starts a new draft as the page's person and waits for its form. */
async function newDraft(page) {
  await world.server.open(page, '/referrals');
  await page.locator('#new-referral').click();
  await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.waitForSelector('#victim-name');
  return new URL(page.url()).pathname.split('/').pop();
}

/** The draft's saved form, as the database holds it. */
function savedDraft(id) {
  return JSON.parse(world.server.sql(`SELECT draft_json FROM referrals WHERE id = '${id}'`).trim());
}

/** The saved draft once `done` holds of it, or as it is after five seconds. */
async function eventuallySaved(id, done) {
  let saved = savedDraft(id);
  for (let i = 0; i < 20 && !done(saved); i += 1) {
    await new Promise((r) => setTimeout(r, 250));
    saved = savedDraft(id);
  }
  return saved;
}

test('typing and at once following a link saves the text, with no error', async () => {
  const page = await world.people.as('Rowan Ellery');
  page.errors.length = 0;
  const id = await newDraft(page);
  await page.locator('#victim-name').fill('Wren Halloway');
  await page.locator('#summary').fill('Followed to work twice this week.');
  // At once, well within the pause after which a draft is saved: a link inside the app.
  await page.locator('a.rt-back-link').click();
  await page.waitForURL((url) => url.pathname === '/referrals');
  await assert.doesNotReject(page.locator('#referrals').waitFor(), 'the list of referrals');
  const saved = await eventuallySaved(id, (d) => d.summary !== '');
  assert.equal(saved.victim.name, 'Wren Halloway');
  assert.equal(saved.summary, 'Followed to work twice this week.');
  assert.deepEqual(page.errors, [], 'no error in the console');
});

test('typing and at once leaving the page saves the text', async () => {
  const page = await world.people.as('Rowan Ellery');
  page.errors.length = 0;
  const id = await newDraft(page);
  await page.locator('#victim-name').fill('Ines Ambrose');
  await page.locator('#victim-address').fill('4 Mill Lane, Wyvernbridge');
  // Another address typed into the browser: the page itself goes.
  await page.goto(`${world.server.baseUrl}/meetings`);
  await page.waitForSelector('body[data-hydrated="true"]');
  const saved = await eventuallySaved(id, (d) => d.victim.address !== '');
  assert.equal(saved.victim.name, 'Ines Ambrose');
  assert.equal(saved.victim.address, '4 Mill Lane, Wyvernbridge', 'saved as the page went');
  assert.deepEqual(page.errors, [], 'no error in the console');
});

test('leaving while the last save failed asks first, and staying keeps the text', async () => {
  const page = await world.people.as('Rowan Ellery');
  const id = await newDraft(page);
  await page.context().setOffline(true);
  await page.locator('#victim-name').fill('Odile Marsh');
  await assert.doesNotReject(page.locator('#save-status').getByText('Draft not saved').waitFor({ timeout: 10_000 }), 'the failure is shown');
  let asked = null;
  page.once('dialog', async (dialog) => {
    asked = dialog.type();
    await dialog.dismiss();
  });
  await page.evaluate(() => { location.href = '/meetings'; });
  await page.waitForTimeout(1000);
  assert.equal(asked, 'beforeunload', 'the browser asked before leaving');
  assert.equal(new URL(page.url()).pathname, `/referrals/${id}`, 'still on the draft');
  assert.equal(await page.locator('#victim-name').inputValue(), 'Odile Marsh', 'with the text');
  await page.context().setOffline(false);
  await page.locator('#victim-name').fill('Odile Marsh-Hale');
  await assert.doesNotReject(page.locator('#save-status').getByText('Draft saved at').waitFor({ timeout: 10_000 }), 'saved once back online');
  assert.equal(savedDraft(id).victim.name, 'Odile Marsh-Hale');
});

test('deleting a draft asks first, and going back keeps it', async () => {
  const page = await world.people.as('Rowan Ellery');
  const id = await newDraft(page);
  await page.locator('#victim-name').fill('Tamsin Vale');
  await page.locator('#discard-referral').click();
  await page.waitForURL((url) => url.search === '?confirm=delete');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Delete this draft referral?' }).waitFor());
  await assert.doesNotReject(page.getByText('The draft referral for Tamsin Vale').waitFor(), 'the step names the draft (saved on the way)');
  assert.equal(await page.title(), 'Delete this draft referral? – Roundtable');
  await checked(page, 'referral-delete-confirm');
  await page.locator('#keep-draft').click();
  await page.waitForSelector('#victim-name');
  assert.equal(await page.locator('#victim-name').inputValue(), 'Tamsin Vale', 'nothing was deleted');

  await page.locator('#discard-referral').click();
  await page.locator('#confirm-discard').click();
  await page.waitForURL((url) => url.search.includes('discarded=1'));
  await assert.doesNotReject(page.locator('.rt-notice').getByText('The draft was deleted.').waitFor());
  assert.equal(world.server.sql(`SELECT COUNT(*) FROM referrals WHERE id = '${id}'`).trim(), '0');
});
