// Referrals and case records in a real browser: a representative refers (the draft survives a
// reload; a refused submission loses nothing), the coordinator confirms a repeat and accepts it,
// and people of different agencies open the case and each sees only what their work needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWorld, screenshot, checked } from './harness.mjs';

const world = demoWorld();

const signedIn = (name) => world.people.as(name);

test('a representative writes a referral that is saved as they type and sent when complete', async () => {
  const page = await signedIn('Rowan Ellery');
  await world.server.open(page, '/referrals');
  await page.locator('#new-referral').click();
  await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
  await page.waitForSelector('#victim-name');
  await page.waitForSelector('body[data-hydrated="true"]');

  await page.locator('#victim-name').fill('Wren Halloway');
  await page.locator('#victim-address').fill('Flat 2, 5 Kestrel Court, Wyvernbridge');
  await page.locator('#perpetrator-0-name').fill('Piers Quillon');
  await assert.doesNotReject(page.locator('#save-status').getByText('Draft saved at').waitFor());
  await page.waitForFunction(() => document.querySelector('#save-status').innerText.startsWith('Draft saved'));
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.waitForSelector('#victim-name');
  assert.equal(await page.locator('#victim-name').inputValue(), 'Wren Halloway', 'the draft survived a reload');
  assert.equal(await page.locator('#victim-address').inputValue(), 'Flat 2, 5 Kestrel Court, Wyvernbridge');

  // Sending too early: every problem in the summary, linked to its field; nothing typed is lost.
  await page.locator('#send-referral').click();
  const summary = page.locator('.rt-error-summary');
  await assert.doesNotReject(summary.waitFor());
  for (const text of ['Enter date of the latest incident', 'relationship to the victim', 'meets no MARAC criterion', 'what the victim knows', 'summary of the incident']) {
    await assert.doesNotReject(summary.getByText(text, { exact: false }).first().waitFor(), text);
  }
  await checked(page, 'referral-errors');
  assert.equal(await page.locator('#victim-name').inputValue(), 'Wren Halloway');

  await page.locator('#incident-date').fill('2026-11-20');
  await page.locator('#perpetrator-0-relationship').fill('Ex-partner');
  for (let q = 1; q <= 15; q += 1) {
    await page.locator(`#dash-q${q}`).check();
  }
  await assert.doesNotReject(page.locator('#dash-score').getByText('DASH score 15 of 24: meets visible high risk').waitFor());
  await page.locator('#consent').check();
  await page.locator('#summary').fill('Threats to kill after separation; followed to work twice.');
  await page.getByRole('button', { name: 'Add a child or vulnerable adult' }).click();
  await page.locator('#household-0-name').fill('Ivo Halloway');
  await page.locator('#household-0-relationship').fill('Son');
  await screenshot(page, 'referral-form');
  await page.locator('#send-referral').click();
  await page.waitForURL((url) => url.search.includes('sent=R-'));
  await assert.doesNotReject(page.locator('.rt-notice').getByText(/was sent to the coordinator/).waitFor());
  await checked(page, 'referrals-list');
});

test('the coordinator confirms a repeat and accepts it onto the next agenda', async () => {
  const page = await signedIn('Priya Lakeland');
  await world.server.open(page, '/triage');
  await checked(page, 'triage-list');
  assert.ok((await page.locator('#triage').innerText()).includes('Wren Halloway'), 'the new referral is waiting');
  const row = page.locator('#triage tr', { hasText: 'Ada Thorn' });
  await assert.doesNotReject(row.getByText('Possible repeat').waitFor());
  await row.getByRole('link', { name: 'Ada Thorn' }).click();
  await page.waitForSelector('#candidates');
  await page.waitForSelector('body[data-hydrated="true"]');
  await checked(page, 'triage-referral');
  await page.getByRole('button', { name: /is the same victim/ }).click();
  await assert.doesNotReject(page.locator('#candidates').getByText('Same victim', { exact: true }).first().waitFor());
  await page.locator('#accept-referral').click();
  await page.waitForURL((url) => url.search.includes('accepted=R-'));
  assert.ok(!(await page.locator('main').innerText()).includes('Ada Thorn\n'), 'no longer waiting');
});

test('people of different agencies open the case and each sees only what their work needs', async () => {
  const coordinator = await signedIn('Priya Lakeland');
  await world.server.open(coordinator, '/cases');
  await coordinator.locator('#search').fill('Thornbury');
  await coordinator.locator('#search-cases').click();
  await coordinator.locator('#search-results').getByRole('link', { name: /^Ada Thorn/ }).first().click();
  await coordinator.waitForSelector('#case-title');
  const casePath = new URL(coordinator.url()).pathname;
  await assert.doesNotReject(coordinator.locator('#history').getByText('(repeat)').waitFor());
  await checked(coordinator, 'case-coordinator');

  const views = {
    'Sam Okonjo-Reyes': { present: ['Refuge address held by the IDVA service', 'Mobile ending 0417', 'Milo Thornbury', 'Callum Thornbury'], absent: [] },
    // Housing works with Ada herself, so it keeps her address and profile; never her safe contact.
    'Rowan Ellery': { present: ['Refuge address held by the IDVA service', 'Northern Irish or British', 'Milo Thornbury', 'Callum Thornbury'], absent: ['0417'] },
    // The case is on the published agenda of 15 December: every invited agency has its research
    // list, which names the victim's address, but not her safe contact or her profile.
    'Hollis Varga': { present: ['On the agenda of', 'Refuge address held by the IDVA service', 'Milo Thornbury', 'Callum Thornbury'], absent: ['0417', 'Northern Irish or British'] },
    'Jude Marchetti': { present: ['Callum Thornbury', 'Address not known to the victim'], absent: ['0417', 'Northern Irish or British'] },
  };
  for (const [name, expected] of Object.entries(views)) {
    const page = await signedIn(name);
    await world.server.open(page, casePath);
    await page.waitForSelector('#case-title');
    const text = await page.locator('main').innerText();
    for (const p of expected.present) assert.ok(text.includes(p), `${name} sees ${p}`);
    for (const a of expected.absent) assert.ok(!text.includes(a), `${name} does not see ${a}`);
    await checked(page, `case-${name.split(' ')[0].toLowerCase()}`);
  }

  // Health is taken off the coming meeting's invitations: it then has no part in Ada's case at all.
  world.server.sql("DELETE FROM meeting_agencies WHERE meeting_id IN (SELECT id FROM meetings WHERE status = 'agenda_published') AND agency_id = (SELECT id FROM agencies WHERE name = 'Wyvern Valley NHS Trust')");
  const uninvolved = await signedIn('Zoë Brannigan');
  await world.server.open(uninvolved, casePath);
  const text = await uninvolved.locator('main').innerText();
  assert.ok(text.includes('We could not find that'), 'an uninvolved agency is told nothing');
  assert.ok(!text.includes('Thornbury'));
});

test('rejecting asks first, on a page of its own, and the referrer is told that it was rejected and why', async () => {
  const page = await signedIn('Priya Lakeland');
  await world.server.open(page, '/triage');
  await page.locator('#triage').getByRole('link', { name: 'Wren Halloway' }).click();
  await page.waitForSelector('#reject');
  await page.waitForSelector('body[data-hydrated="true"]');
  const triagePath = new URL(page.url()).pathname;
  await page.locator('#reject-referral').click();
  await assert.doesNotReject(page.locator('.rt-error-summary').getByText('Choose why the referral is rejected').waitFor(), 'a reason is needed');
  await page.locator('#reject').selectOption({ label: 'Another MARAC area should hear it' });
  await page.locator('#reject-referral').click();
  await page.waitForURL((url) => url.search === '?reject=other_area');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Reject and destroy this referral?' }).waitFor());
  await assert.doesNotReject(page.getByText('Rowan Ellery is told that referral').waitFor(), 'the step says who is told');
  await checked(page, 'triage-reject-confirm');
  await page.locator('#cancel-reject').click();
  await page.waitForURL((url) => url.pathname === triagePath && url.search === '');
  await assert.doesNotReject(page.locator('#reject').waitFor(), 'back on the referral, nothing destroyed');
  assert.equal(world.server.sql("SELECT COUNT(*) FROM victims WHERE name = 'Wren Halloway'").trim(), '1');

  await page.locator('#reject').selectOption({ label: 'Another MARAC area should hear it' });
  await page.locator('#reject-referral').click();
  await page.locator('#confirm-reject').click();
  await page.waitForURL((url) => url.search.includes('rejected=1'));
  await assert.doesNotReject(page.locator('.rt-notice').getByText('rejected and its personal data destroyed').waitFor());
  assert.equal(world.server.sql("SELECT COUNT(*) FROM victims WHERE name = 'Wren Halloway'").trim(), '0');

  const referrer = await signedIn('Rowan Ellery');
  await world.server.open(referrer, '/referrals');
  const told = referrer.locator('#rejections');
  await assert.doesNotReject(told.getByText(/R-\d{4}-\d+ was rejected on .*Reason: Another MARAC area should hear it\./).waitFor(), 'the referrer is told');
  await assert.doesNotReject(referrer.locator('#referrals').getByText('Destroyed when rejected').waitFor());
  assert.ok(!(await referrer.locator('main').innerText()).includes('Wren Halloway'), 'and nothing of what it said');
  await checked(referrer, 'referrals-rejected');
});

test('the coordinator assigns the case its IDVA when accepting a referral', async () => {
  const page = await signedIn('Priya Lakeland');
  const idvaCases = () => world.server.sql("SELECT COUNT(*) FROM cases WHERE idva_user_id = (SELECT id FROM users WHERE name = 'Sam Okonjo-Reyes')").trim();
  const before = Number(idvaCases());
  await world.server.open(page, '/triage');
  await page.locator('#triage').getByRole('link', { name: 'Eliza Farrant' }).click();
  await page.waitForSelector('#idva');
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.locator('#idva').selectOption({ label: 'Sam Okonjo-Reyes' });
  await page.locator('#accept-referral').click();
  await page.waitForURL((url) => url.search.includes('accepted=R-'));
  assert.equal(Number(idvaCases()), before + 1, 'the new case has its IDVA');
});
