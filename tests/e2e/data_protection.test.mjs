// Data protection in a real browser: the DPO places a legal hold from the retention page, then
// finds a case and restricts it; a representative who could open it before no longer can, and
// the coordinator sees it marked Restricted in the case list and on the record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWorld, checked } from './harness.mjs';

const world = demoWorld();
const as = (name) => world.people.as(name);

// The forms are first sent empty on purpose: the browser logs those 422 answers as errors.
const unexpected = (errors) => errors.filter((e) => !e.includes('status of 422'));

const caseOf = (victim) =>
  world.server.sql(`SELECT c.id || ' ' || c.reference FROM cases c JOIN victims v ON v.id = c.victim_id WHERE v.name = '${victim}'`).trim().split(' ');

test('the DPO places a legal hold on a case from the retention page', async () => {
  const [, reference] = caseOf('Bea Okafor-Lind');
  const dpo = await as('Ifeoma Castellanos');
  await world.server.open(dpo, '/retention');
  await dpo.locator('#place-hold').click();
  await assert.doesNotReject(dpo.locator('.rt-error-summary').getByText('Enter case reference').waitFor());
  await dpo.locator('#hold-reference').fill(reference);
  await dpo.locator('#hold-reason').fill('Domestic homicide review in progress');
  await dpo.locator('#place-hold').click();
  await assert.doesNotReject(dpo.getByText('The legal hold was placed.').waitFor());
  await assert.doesNotReject(dpo.locator('#held-cases').getByText('Domestic homicide review in progress').waitFor());
  assert.match(await dpo.locator('#held-cases').innerText(), new RegExp(reference));
  await checked(dpo, 'retention');
  assert.equal(world.server.sql(`SELECT legal_hold FROM cases WHERE reference = '${reference}'`).trim(), '1');
  assert.deepEqual(unexpected(dpo.errors), []);
});

test('the DPO restricts a case and a representative who could see it sees only its reference', async () => {
  const [id] = caseOf('Dalia Venn');
  const hollis = await as('Hollis Varga');
  await world.server.open(hollis, `/cases/${id}`);
  await assert.doesNotReject(hollis.locator('#case-title').waitFor(), 'children\'s services referred it and can open it');

  const dpo = await as('Ifeoma Castellanos');
  await world.server.open(dpo, '/retention');
  await dpo.locator('#find-case').fill('Venn');
  await dpo.locator('#find-case-button').click();
  await dpo.locator('#search-results').getByRole('link', { name: 'Dalia Venn' }).click();
  await dpo.waitForSelector('#case-title');
  await dpo.waitForSelector('body[data-hydrated="true"]');
  await dpo.locator('#restrict-case').click();
  await assert.doesNotReject(dpo.locator('.rt-error-summary').getByText('Enter reason').waitFor());
  await dpo.locator('#restriction-reason').fill('The victim contests the accuracy of the referral');
  await dpo.locator('#restrict-case').click();
  await assert.doesNotReject(dpo.getByText('The case is restricted').first().waitFor());
  await assert.doesNotReject(dpo.locator('.rt-caption-l .rt-tag--red', { hasText: 'Restricted' }).waitFor());
  await checked(dpo, 'case-restricted-dpo');

  await world.server.open(hollis, `/cases/${id}`);
  await assert.doesNotReject(hollis.locator('#restricted-notice').waitFor(), 'now shown only as its reference, marked restricted');
  assert.ok(!(await hollis.locator('main').innerText()).includes('Dalia Venn'), 'nothing of the case beyond its reference');

  const priya = await as('Priya Lakeland');
  await world.server.open(priya, '/cases');
  await assert.doesNotReject(priya.locator('#my-cases tr', { hasText: 'Dalia Venn' }).getByText('Restricted').waitFor());
  await checked(priya, 'cases-restricted-marker');
  assert.deepEqual(unexpected(dpo.errors), []);
});
