// Times in the area's time zone (Europe/London by default): the coordinator types the time as
// the clocks show it, in summer as in winter; pages show it with GMT or BST; the calendar file
// names the zone; a time that the clocks skip is refused with a reason, keeping what was typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWorld, checked } from './harness.mjs';

const world = demoWorld();

async function schedule(page, { date, time, place }) {
  await page.locator('#first-date').fill(date);
  await page.locator('#start-time').fill(time);
  await page.locator('#place').fill(place);
  await page.locator('#schedule-meetings').click();
}

test('a meeting at 10:00 in summer is at 10:00 BST, and its calendar file says Europe/London', async () => {
  const page = await world.people.as('Priya Lakeland');
  await world.server.open(page, '/meetings');
  await page.waitForSelector('#first-date');
  const year = new Date().getUTCFullYear() + 1;
  const lastSundayOfMarch = new Date(Date.UTC(year, 2, 31));
  lastSundayOfMarch.setUTCDate(31 - lastSundayOfMarch.getUTCDay());
  await schedule(page, { date: lastSundayOfMarch.toISOString().slice(0, 10), time: '01:30', place: 'Wyvern House, Room 9' });
  await assert.doesNotReject(page.locator('.rt-error-summary').getByText('The clocks go forward over that time').waitFor(), 'an hour that never happens');
  assert.equal(await page.locator('#place').inputValue(), 'Wyvern House, Room 9', 'what was typed stays');
  assert.ok(!(await page.locator('main').innerText()).includes('Room 9'), 'and nothing was scheduled');

  await page.reload();
  await page.waitForSelector('#first-date');
  await page.waitForSelector('body[data-hydrated="true"]');
  await schedule(page, { date: `${year}-06-08`, time: '10:00', place: 'Wyvern House, Room 7' });
  const row = page.locator('#meetings tr', { hasText: 'Room 7' });
  await assert.doesNotReject(row.getByText(`8 June ${year}, 10:00 BST`).waitFor(), 'shown as typed, in summer time');
  assert.ok(!(await row.innerText()).includes('UTC'), 'and not in UTC');
  await checked(page, 'meetings-summer-time');

  await schedule(page, { date: `${year}-12-07`, time: '10:00', place: 'Wyvern House, Room 8' });
  await assert.doesNotReject(page.locator('#meetings tr', { hasText: 'Room 8' }).getByText(`7 December ${year}, 10:00 GMT`).waitFor(), 'and in winter time');

  const href = await row.getByRole('link').first().getAttribute('href');
  const ics = await (await page.request.get(`${world.server.baseUrl}${href}/calendar.ics`)).text();
  assert.match(ics, new RegExp(`DTSTART;TZID=Europe/London:${year}0608T100000\r\n`), ics);
  assert.match(ics, /BEGIN:VTIMEZONE\r\nTZID:Europe\/London\r\n/);
  assert.match(ics, /TZNAME:BST\r\n/);
});

test('date fields are wide enough for the whole date', async () => {
  const page = await world.people.as('Priya Lakeland');
  await world.server.open(page, '/meetings');
  const field = page.locator('#first-date');
  await field.fill('2027-11-30');
  const fits = await field.evaluate((el) => el.scrollWidth <= el.clientWidth);
  assert.ok(fits, 'the year is not cut off');
  assert.equal(await field.inputValue(), '2027-11-30');
});
