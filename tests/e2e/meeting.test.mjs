// A whole MARAC meeting in a real browser: schedule and publish, three agencies record research,
// the register and confidentiality acknowledgements, the chair and coordinator minute three
// cases side by side (facts, opinions, actions; a concurrent edit is caught, never lost),
// finalisation, an amendment, and each representative then sees exactly their agency's actions.
// A user of a withdrawn agency is refused throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWorld, addVirtualAuthenticator, checked } from './harness.mjs';

const world = demoWorld();
let meetingPath;

const as = (name) => world.people.as(name);

async function acknowledge(page) {
  await world.server.open(page, meetingPath);
  if (await page.locator('#acknowledge').count()) {
    await page.locator('#acknowledge').click();
    await page.locator('#acknowledged').waitFor();
  }
}

async function openCase(page, name) {
  await world.server.open(page, meetingPath);
  await page.locator('#agenda').getByRole('link', { name }).click();
  await page.waitForSelector('#case-title');
  await page.waitForSelector('body[data-hydrated="true"]');
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
});

test('three agencies acknowledge the statement and record research', async () => {
  for (const [name, victim, note] of [
    ['Hollis Varga', /^Cerys Mallender$/, 'Noa Price is on a child in need plan.'],
    ['Rowan Ellery', /^Cerys Mallender$/, 'Repairs reported twice this month.'],
    ['Sam Okonjo-Reyes', /^Dalia Venn$/, 'The victim wants a safety plan before court.'],
  ]) {
    const page = await as(name);
    await world.server.open(page, meetingPath);
    assert.equal(await page.locator('#agenda a').count(), 0, `${name}: no case opens before acknowledging`);
    await acknowledge(page);
    await openCase(page, victim);
    await page.locator('#research-kind').selectOption('fact');
    await page.locator('#research-body').fill(note);
    await page.locator('#add-research').click();
    await assert.doesNotReject(page.locator('#research').getByText(note).waitFor());
  }
  await checked(world.people.pages['Sam Okonjo-Reyes'], 'meeting-research');
});

test('the register, then chair and coordinator minute three cases side by side', async () => {
  const priya = await as('Priya Lakeland');
  const morgan = await as('Morgan Ashby');
  await acknowledge(priya);
  await acknowledge(morgan);
  await world.server.open(priya, meetingPath);
  for (const [person, status] of [['Hollis Varga', 'present'], ['Rowan Ellery', 'apologies']]) {
    const value = await priya.locator('#attendance-person option', { hasText: person }).first().getAttribute('value');
    await priya.locator('#attendance-person').selectOption(value);
    await priya.locator('#attendance-status').selectOption(status);
    await priya.locator('#record-attendance').click();
    await priya.locator('#register').getByText(person).waitFor();
  }
  await priya.locator('#start-meeting').click();
  await assert.doesNotReject(priya.getByText('The meeting has started').waitFor());
  await checked(priya, 'meeting-in-progress');

  for (const victim of [/^Cerys Mallender$/, /^Dalia Venn$/, /^Eliza Farrant$/]) {
    await openCase(priya, victim);
    await openCase(morgan, victim);
    await priya.locator('#entry-kind').selectOption('fact');
    await priya.locator('#entry-source').selectOption({ label: 'Wyvernshire Police' });
    await priya.locator('#entry-body').fill('Two call-outs since the referral.');
    await morgan.locator('#entry-kind').selectOption('opinion');
    await morgan.locator('#entry-source').selectOption({ label: "Wyvernshire Children's Services" });
    await morgan.locator('#entry-body').fill('The risk to the victim is escalating.');
    await Promise.all([priya.locator('#add-entry').click(), morgan.locator('#add-entry').click()]);
    await priya.locator('#entries').getByText('Two call-outs').waitFor();
    await morgan.locator('#entries').getByText('escalating').waitFor();
    await world.server.open(priya, new URL(priya.url()).pathname);
    assert.equal(await priya.locator('#entries li').count(), 2, 'neither entry was lost');

    await priya.locator('#action-owner').selectOption({ label: "Wyvernshire Children's Services" });
    await priya.locator('#action-description').fill('Visit the household within 48 hours');
    await priya.locator('#action-due').fill('2027-01-15');
    await priya.locator('#add-action').click();
    await priya.locator('#actions').getByText('Visit the household').waitFor();
    await morgan.locator('#action-owner').selectOption({ label: 'Wyvern Homes' });
    await morgan.locator('#action-description').fill('Offer a management transfer');
    await morgan.locator('#action-due').fill('2027-01-31');
    await morgan.locator('#add-action').click();
    await morgan.locator('#actions').getByText('management transfer').waitFor();
  }

  // Both edit the same entry: the second save is refused with a clear message, and keeps its text.
  await world.server.open(morgan, new URL(morgan.url()).pathname);
  await world.server.open(priya, new URL(morgan.url()).pathname);
  await morgan.getByRole('button', { name: 'Edit entry 1' }).click();
  await priya.getByRole('button', { name: 'Edit entry 1' }).click();
  const field = (page) => page.locator('#entries textarea').first();
  await field(morgan).fill('Two police call-outs since the referral, on 4 and 9 November.');
  await field(priya).fill('Two call-outs.');
  await morgan.locator('#save-entry').click();
  await morgan.locator('#entries').getByText('4 and 9 November').waitFor();
  await priya.locator('#save-entry').click();
  await assert.doesNotReject(priya.getByText('Someone else changed this entry').waitFor());
  assert.equal(await field(priya).inputValue(), 'Two call-outs.', 'the losing text is kept for comparison');
  await checked(priya, 'meeting-conflict');
});

test('the chair finalises, amends, and each agency sees its own actions', async () => {
  const morgan = await as('Morgan Ashby');
  await world.server.open(morgan, meetingPath);
  await morgan.locator('#close-meeting').click();
  await assert.doesNotReject(morgan.getByText('the minutes are in draft').waitFor());
  await morgan.locator('#finalise-minutes').click();
  await assert.doesNotReject(morgan.getByText('The minutes are final and locked').waitFor());
  await openCase(morgan, /^Cerys Mallender$/);
  assert.equal(await morgan.locator('#entry-form').count(), 0, 'final minutes take no new entries');
  await morgan.locator('#amend-target').selectOption('decision');
  await morgan.locator('#amended').fill('Refer to the housing panel.');
  await morgan.locator('#amend-reason').fill('The decision was not written down at the meeting.');
  await morgan.locator('#amend').click();
  await assert.doesNotReject(morgan.locator('#amendments').getByText('The decision was not written down').waitFor());
  await checked(morgan, 'meeting-amended');

  const hollis = await as('Hollis Varga');
  await world.server.open(hollis, '/actions?scope=agency');
  const mine = await hollis.locator('main').innerText();
  assert.ok(mine.includes('Visit the household within 48 hours') && !mine.includes('management transfer'), 'children\'s services see their own');
  await checked(hollis, 'actions-agency');
  const rowan = await as('Rowan Ellery');
  await world.server.open(rowan, '/actions?scope=agency');
  const theirs = await rowan.locator('main').innerText();
  assert.ok(theirs.includes('Offer a management transfer') && !theirs.includes('Visit the household'), 'housing sees its own');
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
