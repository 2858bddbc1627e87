// A whole MARAC meeting in a real browser, with four agencies: the coordinator schedules and
// publishes; children's services, housing, health and the IDVA service research from their
// research lists (identifiers only); at the meeting each checks in by acknowledging the
// statement, the chair marks children's services out of the room when it leaves after the
// children's case (their screen follows at once), the chair and coordinator minute side by side
// and see each other's entries appear, actions are agreed with a named person, the minutes are
// finalised and amended; afterwards each agency sees only what its part needs. A user of a
// withdrawn agency is refused throughout. Every absence is asserted beside a presence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWorld, addVirtualAuthenticator, checked } from './harness.mjs';

const world = demoWorld();
let meetingPath;

const as = (name) => world.people.as(name);

/** The text of the page's main element. */
const main = (page) => page.locator('main').innerText();

async function acknowledge(page) {
  await world.server.open(page, meetingPath);
  await page.locator('#acknowledge').click();
  await page.locator('#acknowledged').waitFor();
}

async function openCase(page, name) {
  await world.server.open(page, meetingPath);
  await page.locator('#agenda').getByRole('link', { name }).click();
  await page.waitForSelector('#case-title');
  await page.waitForSelector('body[data-hydrated="true"]');
}

function reference(victim) {
  return world.server.sql(`SELECT c.reference FROM cases c JOIN victims v ON v.id = c.victim_id WHERE v.name = '${victim}';`).trim();
}

test('the coordinator schedules a meeting, publishes its agenda and fills the next one', async () => {
  const priya = await as('Priya Lakeland');
  await world.server.open(priya, '/meetings');
  await priya.locator('#first-date').fill('2027-03-02');
  await priya.locator('#place').fill('Wyvern House, Committee Room 3');
  await priya.locator('#schedule-meetings').click();
  await assert.doesNotReject(priya.locator('.rt-notice').getByText('1 meeting scheduled').waitFor());
  await checked(priya, 'meetings');
  await priya.locator('#meetings').getByRole('link').filter({ hasText: '2 March 2027' }).click();
  await priya.waitForSelector('#publish-agenda');
  await priya.waitForSelector('body[data-hydrated="true"]');
  await priya.locator('#research-deadline').fill('2027-02-26');
  await priya.locator('#publish-agenda').click();
  await assert.doesNotReject(priya.getByText('The agenda was published').waitFor());

  // A third case joins the next meeting from triage.
  await world.server.open(priya, '/triage');
  await priya.locator('#triage').getByRole('link', { name: 'Eliza Farrant' }).click();
  await priya.waitForSelector('#accept-referral');
  await priya.waitForSelector('body[data-hydrated="true"]');
  await priya.locator('#accept-referral').click();
  await priya.waitForURL((url) => url.search.includes('accepted='));
  await world.server.open(priya, '/meetings');
  await priya.locator('#meetings tr', { hasText: 'Agenda published' }).first().getByRole('link').click();
  await priya.waitForSelector('#meeting-title');
  meetingPath = new URL(priya.url()).pathname;
  await priya.waitForSelector('body[data-hydrated="true"]');
  assert.equal(await priya.locator('#agenda li').count(), 3);

  // Keyboard only: the moved case keeps the focus, and each move is announced.
  const first = await priya.locator('#agenda li').first().locator('.rt-table__sub').innerText();
  const firstCase = (await priya.locator('#agenda li').first().getByRole('button', { name: `Move ${first} down` }).getAttribute('id')).replace('down-', '');
  const pressed = async (direction, to, focused) => {
    await priya.keyboard.press('Enter');
    await priya.locator('#agenda-moves').getByText(`${first} moved ${direction} to number ${to} of the agenda.`).waitFor({ state: 'attached' });
    await priya.waitForFunction(([ref, index]) => document.querySelectorAll('#agenda li')[index]?.innerText.includes(ref), [first, to - 1]);
    await priya.waitForFunction((id) => document.activeElement?.id === id, `${focused}-${firstCase}`);
  };
  await priya.locator(`#down-${firstCase}`).focus();
  await pressed('down', 2, 'down');
  await pressed('down', 3, 'up');
  await pressed('up', 2, 'up');
  await pressed('up', 1, 'down');
  assert.ok((await priya.locator('#agenda li').first().innerText()).includes(first), 'back where it was');
});

test('four agencies research from their research lists: identifiers only', async () => {
  for (const [name, victim, known, note] of [
    ["Hollis Varga", 'Cerys Mallender', 'household', 'Noa Price is on a child in need plan.'],
    ['Rowan Ellery', 'Cerys Mallender', 'victim', 'Repairs reported twice this month.'],
    ['Sam Okonjo-Reyes', 'Dalia Venn', 'victim', 'The victim wants a safety plan before court.'],
    ['Zoë Brannigan', 'Eliza Farrant', 'victim', 'Seen in the emergency department on Sunday.'],
  ]) {
    const page = await as(name);
    await world.server.open(page, meetingPath);
    assert.equal(await page.locator('#acknowledge').count(), 0, `${name}: the statement is acknowledged at the meeting`);
    await page.locator('#research-link').click();
    await page.waitForSelector('#research-title');
    await page.waitForSelector('body[data-hydrated="true"]');
    const list = await main(page);
    assert.ok(list.includes('7 Orchard Close') && list.includes('Jonah Price') && list.includes('Noa Price'), `${name}: the identifiers to check`);
    assert.ok(!list.includes('Mobile ending 0417') && !list.includes('Tenancy officer visit'), `${name}: no safe contact details, no referral`);
    const ref = reference(victim);
    await page.locator(`#record-${ref}`).click();
    await page.locator('#research-known-known').check();
    await page.locator('#research-known-about').getByLabel(new RegExp(known === 'household' ? 'children' : known, 'i')).check();
    await page.locator('#research-body').fill(note);
    await page.locator('#save-research').click();
    await assert.doesNotReject(page.locator('.rt-notice').getByText("Your agency's research was recorded").waitFor());
    await page.locator(`#answer-${ref}`).getByText('Known to us').waitFor();
    await assert.doesNotReject(page.locator('#research-progress').getByText('Research recorded for 1 of 3 cases').waitFor());
  }
  await checked(world.people.pages['Zoë Brannigan'], 'research-list');
});

test('at the meeting: check-in, who is in the room for each case, and two screens minuting together', async () => {
  const priya = await as('Priya Lakeland');
  const morgan = await as('Morgan Ashby');
  await world.server.open(morgan, meetingPath);
  await morgan.locator('#start-meeting').click();
  await assert.doesNotReject(morgan.getByText('The meeting has started').waitFor(), 'the chair starts the meeting');
  for (const name of ['Priya Lakeland', 'Morgan Ashby', 'Hollis Varga', 'Rowan Ellery', 'Zoë Brannigan', 'Sam Okonjo-Reyes']) {
    await acknowledge(await as(name));
  }
  await checked(priya, 'meeting-in-progress');

  // In the room, children's services hear Dalia's case as presented.
  const hollis = await as('Hollis Varga');
  await openCase(hollis, /^Dalia Venn$/);
  await hollis.locator('#research').getByText('safety plan before court').waitFor();
  // The chair marks them as having left; their screen follows without a reload.
  await openCase(morgan, /^Dalia Venn$/);
  await morgan.getByRole('button', { name: "Leaves before this case: Hollis Varga, Wyvernshire Children's Services" }).click();
  await assert.doesNotReject(morgan.locator('.rt-notice').getByText(/Hollis Varga.* has left/).waitFor());
  await assert.doesNotReject(hollis.locator('#stepped-out').waitFor({ timeout: 5000 }), 'marking someone out reaches their screen at once');
  await hollis.locator('#case-title').getByText('Dalia Venn').waitFor();
  assert.ok(!(await main(hollis)).includes('safety plan before court'), 'out of the room: no other agency\'s research');
  await checked(hollis, 'meeting-stepped-out');

  // Chair and coordinator minute the same case; each sees the other's entry appear.
  await openCase(priya, /^Cerys Mallender$/);
  await openCase(morgan, /^Cerys Mallender$/);
  await priya.locator('#entry-kind').selectOption('fact');
  await priya.locator('#entry-source').selectOption({ label: 'Wyvernshire Police' });
  await priya.locator('#entry-body').fill('Two call-outs since the referral.');
  await morgan.locator('#entry-kind').selectOption('opinion');
  await morgan.locator('#entry-source').selectOption({ label: "Wyvernshire Children's Services" });
  await morgan.locator('#entry-body').fill('The risk to the victim is escalating.');
  await Promise.all([priya.locator('#add-entry').click(), morgan.locator('#add-entry').click()]);
  await assert.doesNotReject(priya.locator('#entries').getByText('escalating').waitFor({ timeout: 5000 }), 'the chair\'s entry appears on the coordinator\'s screen');
  await assert.doesNotReject(morgan.locator('#entries').getByText('Two call-outs').waitFor({ timeout: 5000 }), 'and the coordinator\'s on the chair\'s');
  assert.equal(await priya.locator('#entry-body').inputValue(), '', 'the form is empty after adding');

  // Risks typed on one screen survive the other screen's additions.
  await priya.locator('#risks').fill('Escalating threats');
  assert.equal(await morgan.locator('#entry-source').inputValue(), '', 'the source is chosen afresh for each entry');
  await morgan.locator('#entry-kind').selectOption('fact');
  await morgan.locator('#entry-source').selectOption({ label: "Wyvernshire Children's Services" });
  await morgan.locator('#entry-body').fill('Noa is 16 months old.');
  await morgan.locator('#add-entry').click();
  await priya.locator('#entries').getByText('16 months old').waitFor({ timeout: 5000 });
  assert.equal(await priya.locator('#risks').inputValue(), 'Escalating threats', 'typing is never overwritten by a live update');

  // An action with a named person of the owning agency.
  await priya.locator('#action-owner').selectOption({ label: 'Wyvern Homes' });
  await priya.locator('#action-person').selectOption({ label: 'Rowan Ellery, Wyvern Homes' });
  await priya.locator('#action-description').fill('Offer a management transfer');
  await priya.locator('#action-due').fill('2027-03-31');
  await priya.locator('#add-action').click();
  await priya.locator('#actions').getByText('Offer a management transfer').waitFor();
  await priya.locator('#actions').getByText('Rowan Ellery').waitFor();
  await morgan.locator('#actions').getByText('Offer a management transfer').waitFor({ timeout: 5000 });
  await checked(priya, 'meeting-minuting');
});

test('the chair finalises and amends; afterwards each agency keeps only its part', async () => {
  const morgan = await as('Morgan Ashby');
  await world.server.open(morgan, meetingPath);
  await morgan.locator('#close-meeting').click();
  await assert.doesNotReject(morgan.getByText('the minutes are in draft').waitFor());

  // Finalising waits while a case has nothing minuted, and says which.
  await morgan.locator('#minutes-missing').waitFor();
  await morgan.locator('#finalise-minutes').click();
  await morgan.getByRole('heading', { name: 'The minutes cannot be finalised yet' }).waitFor();
  const unminuted = await morgan.locator('#unminuted li').allInnerTexts();
  assert.ok(unminuted.length >= 1 && !unminuted.includes(reference('Cerys Mallender')), `the unminuted cases, not Cerys's: ${unminuted}`);
  assert.equal(await morgan.locator('#confirm-finalise').count(), 0, 'nothing to confirm yet');
  await checked(morgan, 'finalise-refused');
  for (const ref of unminuted) {
    await world.server.open(morgan, `${meetingPath}?finalise=check`);
    await morgan.locator('#unminuted').getByRole('link', { name: ref }).click();
    await morgan.waitForSelector('body[data-hydrated="true"]');
    await morgan.locator('#decision').fill('Deferred to the next meeting: the referrer was not present.');
    await morgan.locator('#save-minutes').click();
    await morgan.getByText('Risks and decision saved.').waitFor();
  }
  await world.server.open(morgan, meetingPath);
  await morgan.locator('#finalise-minutes').click();
  await morgan.getByRole('heading', { name: 'Finalise the minutes?' }).waitFor();
  assert.equal(await morgan.title(), 'Finalise the minutes? – Roundtable');
  await checked(morgan, 'finalise-confirm');
  await morgan.locator('#confirm-finalise').click();
  await assert.doesNotReject(morgan.getByText('The minutes are final and locked').waitFor());

  // Final minutes: a correction starts from the current text; a forgotten action is added, with its reason.
  await openCase(morgan, /^Cerys Mallender$/);
  await morgan.getByRole('heading', { name: 'Add an entry to the final minutes' }).waitFor();
  const firstEntry = await morgan.locator('#amend-target option', { hasText: 'Two call-outs' }).getAttribute('value');
  await morgan.locator('#amend-target').selectOption(firstEntry);
  assert.equal(await morgan.locator('#amended').inputValue(), 'Two call-outs since the referral.', 'the entry as it stands');
  await morgan.locator('#amend-target').selectOption('decision');
  await morgan.locator('#amended').fill('Refer to the housing panel.');
  await morgan.locator('#amend-reason').fill('The decision was not written down at the meeting.');
  await morgan.locator('#amend').click();
  await assert.doesNotReject(morgan.locator('#amendments').getByText('The decision was not written down').waitFor());
  await morgan.locator('#action-owner').selectOption({ label: 'Wyvern Homes' });
  await morgan.locator('#action-description').fill('Confirm the door has been repaired');
  await morgan.locator('#action-due').fill('2027-03-31');
  await morgan.locator('#add-action').click();
  await morgan.locator('#action-reason-error').waitFor();
  assert.equal(await morgan.locator('#action-description').inputValue(), 'Confirm the door has been repaired', 'the typed text is kept');
  await morgan.locator('#action-reason').fill('Agreed at the meeting but not written down.');
  await morgan.locator('#add-action').click();
  await assert.doesNotReject(morgan.locator('#amendments').getByText(/Action added .*Agreed at the meeting but not written down/).waitFor());
  await morgan.locator('#actions').getByText('Confirm the door has been repaired').waitFor();
  await checked(morgan, 'meeting-amended');

  // Housing referred Cerys and researched her: it keeps her case, with the discussion.
  const rowan = await as('Rowan Ellery');
  await world.server.open(rowan, meetingPath);
  const agenda = await rowan.locator('#agenda').innerText();
  assert.ok(agenda.includes('Cerys Mallender') && !agenda.includes('Eliza Farrant'), 'housing keeps Cerys, not the cases it had no part in');
  await openCase(rowan, /^Cerys Mallender$/);
  const cerys = await main(rowan);
  assert.ok(cerys.includes('Two call-outs since the referral') && cerys.includes('Offer a management transfer'), 'the discussion and actions');
  assert.ok(!cerys.includes('Mobile ending 0417'), 'never the safe contact details');
  await checked(rowan, 'after-meeting-referrer');

  // Health researched Eliza only: Cerys's case is gone for it, Eliza's stays.
  const zoe = await as('Zoë Brannigan');
  await world.server.open(zoe, meetingPath);
  const theirs = await zoe.locator('#agenda').innerText();
  assert.ok(theirs.includes('Eliza Farrant') && !theirs.includes('Cerys Mallender'), 'health keeps only the case its research knew');
  await world.server.open(zoe, '/actions?scope=agency');
  await zoe.locator('#action-list').waitFor();
  assert.ok(!(await main(zoe)).includes('management transfer'), 'another agency\'s action');

  const hollis = await as('Hollis Varga');
  await world.server.open(hollis, '/actions?scope=agency');
  const mine = await main(hollis);
  assert.ok(mine.includes('Your agency'), 'the page loaded');
  assert.ok(!mine.includes('management transfer'), 'children\'s services do not see housing\'s action');
  await world.server.open(rowan, '/actions?scope=agency');
  const housing = await main(rowan);
  assert.ok(housing.includes('Offer a management transfer') && !housing.includes('Visit the household'), 'housing sees its own');
  assert.ok(await rowan.locator('#action-list .rt-overdue').count() >= 1, 'the overdue demo action stands out');
});

test('a user of a withdrawn agency is refused throughout', async () => {
  const page = await world.browser.newPage();
  await addVirtualAuthenticator(page);
  await page.goto(world.server.linkFor('Tobias Wren'));
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  await page.waitForTimeout(1500);
  for (const path of [meetingPath, '/meetings', '/actions', '/cases']) {
    await page.goto(`${world.server.baseUrl}${path}`);
    await page.waitForSelector('main');
    const text = await page.locator('main').innerText();
    assert.ok(text.includes('sign in') || text.includes('Sign in') || text.includes('find that'), `${path}: the refusal is shown`);
    assert.ok(!text.includes('Cerys') && !text.includes('Wyvern House'), `${path} shows nothing`);
  }
});

test('the chair reads the quarter\'s anonymised figures', async () => {
  const morgan = await as('Morgan Ashby');
  await world.server.open(morgan, '/statistics');
  await morgan.locator('#figures').waitFor();
  const text = await morgan.locator('main').innerText();
  assert.ok(text.includes('Cases discussed') && text.includes('<5'), 'small counts are hidden');
  assert.equal(await morgan.locator('svg.rt-chart').count() >= 1, true, 'a chart drawn on the server');
  assert.ok((await morgan.locator('#download-csv').getAttribute('href')).startsWith('/statistics.csv?quarter='));
  await checked(morgan, 'statistics');
});
