// Phones and narrow windows (WCAG 1.4.10 reflow): every page each kind of person reaches from
// the start page, by following links, is measured at 320 CSS pixels wide and must not scroll
// sideways; each is also photographed at 390 pixels (a common phone) for people to look at, and
// checked with axe-core. The header folds into a "Menu" that opens with the keyboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWorld, screenshot, accessibilityViolations, addVirtualAuthenticator } from './harness.mjs';

const world = demoWorld();

/** Addresses that are downloads, end the session or leave the app: not pages to measure. */
const NOT_PAGES = /\.(pdf|ics|csv|json)(\?|$)|\/sign-out|^\/enrol|^\/sign-in/;

/** A path with its ids replaced, so each kind of page is visited once: /meetings/{id}. */
function pattern(path) {
  return path.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}/g, '/{id}').replace(/\/(R|C)-\d{4}-\d+/g, '/{ref}');
}

/** How far the page scrolls sideways at its current width (0 when it reflows). */
async function sidewaysScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The elements sticking out on the right, to say what to fix when the check fails. */
async function widest(page) {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    return [...document.querySelectorAll('main *, header *')]
      .filter((el) => el.getBoundingClientRect().right > limit + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} (${Math.round(el.getBoundingClientRect().right)}px)`);
  });
}

/** Visits every kind of page `page`'s person reaches from `start` (breadth first, up to `max`
 * kinds), measuring each at 320 px and photographing it at 390 px as `phone-<who>-<n>`. */
async function crawl(page, who, start, max = 20) {
  const seen = new Set();
  const queue = [...start];
  const problems = [];
  const visited = [];
  while (queue.length && visited.length < max) {
    const path = queue.shift();
    const kind = pattern(path);
    if (seen.has(kind) || NOT_PAGES.test(path)) continue;
    seen.add(kind);
    await page.setViewportSize({ width: 320, height: 800 });
    await world.server.open(page, path);
    visited.push(kind);
    const over = await sidewaysScroll(page);
    if (over > 0) problems.push(`${kind} scrolls ${over}px sideways at 320px: ${(await widest(page)).join(', ')}`);
    const violations = await accessibilityViolations(page);
    if (violations.length) problems.push(`${kind} at 320px: ${violations.join('; ')}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, `phone-${who}-${String(visited.length).padStart(2, '0')}-${kind.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'start'}`);
    const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')]
      .map((a) => new URL(a.getAttribute('href'), location.href))
      .filter((u) => u.origin === location.origin && !u.hash)
      .map((u) => u.pathname + u.search));
    for (const link of links) if (!seen.has(pattern(link))) queue.push(link);
  }
  return { problems, visited };
}

/** Pages a link would reach only after a step (acknowledging, sending, starting a draft),
 * found in the demo data instead: a case at a meeting, a meeting's distribution, a draft. */
function deepPages() {
  const one = (sql) => world.server.sql(sql).trim().split('\n')[0].split('|');
  const [meeting, kase] = one("SELECT a.meeting_id, a.case_id FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id WHERE m.status = 'minutes_final' LIMIT 1");
  const [upcoming, next] = one("SELECT a.meeting_id, a.case_id FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id WHERE m.status <> 'minutes_final' LIMIT 1");
  return [`/meetings/${meeting}/cases/${kase}`, `/meetings/${meeting}/distribution`, `/meetings/${upcoming}/cases/${next}`];
}

for (const [who, name, start, max] of [
  ['coordinator', 'Priya Lakeland', ['/', '/triage', '/meetings', '/cases', '/actions?scope=all', '/statistics', 'deep', '/admin'], 30],
  ['chair', 'Morgan Ashby', ['/', '/meetings', '/cases', '/actions?scope=all', '/statistics', 'deep'], 20],
  ['idva', 'Sam Okonjo-Reyes', ['/', '/cases', '/actions?scope=cases', '/referrals', '/meetings'], 20],
  ['representative', 'Rowan Ellery', ['/', 'draft', '/referrals', '/cases', '/actions', '/meetings'], 20],
  ['dpo', 'Ifeoma Castellanos', ['/', '/audit', '/subject-access', '/retention', '/statistics'], 20],
]) {
  test(`no page the ${who} reaches scrolls sideways at 320 pixels`, async () => {
    const page = await world.people.as(name);
    const paths = [];
    for (const p of start) {
      if (p === 'deep') paths.push(...deepPages());
      else if (p === 'draft') {
        await world.server.open(page, '/referrals');
        await page.locator('#new-referral').click();
        await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
        paths.push(new URL(page.url()).pathname);
      } else paths.push(p);
    }
    const { problems, visited } = await crawl(page, who, paths, max);
    assert.ok(visited.length >= 4, `the ${who} reached several pages: ${visited.join(', ')}`);
    assert.deepEqual(problems, [], `pages visited: ${visited.join(', ')}`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
}

test('no page the administrator reaches scrolls sideways at 320 pixels', async () => {
  const page = await world.browser.newPage();
  await addVirtualAuthenticator(page);
  const link = world.server.enrolmentLinks().find((l) => world.server.stdout.includes(l));
  await world.server.enrol(page, link);
  const { problems, visited } = await crawl(page, 'admin', ['/', '/admin', '/admin/agencies', '/admin/people', '/admin/isa', '/admin/sessions', '/audit']);
  assert.ok(visited.length >= 5, visited.join(', '));
  assert.deepEqual(problems, [], `pages visited: ${visited.join(', ')}`);
});

test('on a phone the header is one line and its menu opens and closes with the keyboard', async () => {
  const page = await world.people.as('Priya Lakeland');
  await page.setViewportSize({ width: 390, height: 844 });
  await world.server.open(page, '/meetings');
  const header = await page.locator('header.rt-header').boundingBox();
  assert.ok(header.height <= 80, `the header is ${header.height}px high on a phone`);
  const menu = page.locator('summary.rt-header__menu-button');
  await assert.doesNotReject(menu.waitFor({ state: 'visible' }), 'a Menu button instead of the links');
  assert.equal(await page.getByRole('link', { name: 'Triage' }).count(), 0, 'the links are folded away');
  await menu.focus();
  await page.keyboard.press('Enter');
  await assert.doesNotReject(page.getByRole('link', { name: 'Triage' }).waitFor(), 'Enter opens the menu');
  await assert.doesNotReject(page.getByRole('button', { name: 'Sign out' }).waitFor());
  assert.deepEqual(await accessibilityViolations(page), [], 'the open menu is accessible');
  await screenshot(page, 'phone-menu-open');
  assert.equal(await menu.evaluate((el) => el.parentElement.tagName), 'DETAILS', 'a native disclosure, which needs no script');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Triage' }).waitFor({ state: 'hidden' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await assert.doesNotReject(page.getByRole('link', { name: 'Triage' }).waitFor(), 'a wide screen shows the links in a row');
  assert.equal(await menu.isVisible(), false, 'and no Menu button');
});

test('the actions page offers only the lists each person may see', async () => {
  const rep = await world.people.as('Rowan Ellery');
  await rep.setViewportSize({ width: 1280, height: 900 });
  await world.server.open(rep, '/actions');
  const tabs = rep.locator('#action-tabs');
  await assert.doesNotReject(tabs.getByRole('link', { name: "Your agency's" }).waitFor(), 'the lists a representative may see');
  assert.equal(await tabs.getByRole('link', { name: 'All outstanding' }).count(), 0, 'but not every outstanding action');
  assert.equal(await tabs.getByRole('link', { name: "Your agency's" }).getAttribute('aria-current'), 'page', 'the current list is marked');

  const chair = await world.people.as('Morgan Ashby');
  await world.server.open(chair, '/actions?scope=all');
  await assert.doesNotReject(chair.locator('#action-tabs').getByRole('link', { name: 'All outstanding' }).waitFor(), 'the chair may see every one');
});
