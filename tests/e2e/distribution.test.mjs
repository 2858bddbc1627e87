// Restricted minutes in a real browser: the coordinator sends a held meeting's final minutes, a
// representative finds their copy, confirms with their passkey and downloads a PDF holding only
// what their agency may see; the coordinator sees the download; another person's link and an
// expired link are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { demoWorld, ARTIFACTS, checked } from './harness.mjs';

const world = demoWorld();
const as = (name) => world.people.as(name);

function adasMeeting() {
  return world.server.sql(
    "SELECT ai.meeting_id FROM agenda_items ai JOIN cases c ON c.id = ai.case_id JOIN victims v ON v.id = c.victim_id " +
    "WHERE v.name = 'Ada Thornbury' AND ai.meeting_id IN (SELECT id FROM meetings WHERE status = 'minutes_final');").trim();
}

function copyOf(name) {
  return world.server.sql(
    `SELECT mc.id FROM minute_copies mc JOIN users u ON u.id = mc.user_id WHERE u.name = '${name}' AND mc.revoked_at IS NULL;`).trim();
}

test('the coordinator sends the final minutes and sees each agency\'s copies', async () => {
  const priya = await as('Priya Lakeland');
  await world.server.open(priya, `/meetings/${adasMeeting()}`);
  await priya.locator('#distribution-link').click();
  await priya.waitForSelector('#send-minutes');
  await priya.waitForSelector('body[data-hydrated="true"]');
  await priya.locator('#send-minutes').click();
  await assert.doesNotReject(priya.locator('.rt-notice').getByText('6 copies are ready').waitFor());
  await priya.locator('table[data-agency="Wyvern Homes"]').getByText('Rowan Ellery').waitFor();
  await checked(priya, 'distribution');
});

test('a representative downloads their own copy after confirming with their passkey', async () => {
  const rowan = await as('Rowan Ellery');
  await world.server.open(rowan, '/meetings');
  await rowan.locator('#shared-minutes').getByRole('link').first().click();
  await rowan.waitForSelector('#download-copy');
  await rowan.waitForSelector('body[data-hydrated="true"]');
  await checked(rowan, 'minutes-copy');
  const [download] = await Promise.all([rowan.waitForEvent('download'), rowan.locator('#download-copy').click()]);
  const dir = path.join(ARTIFACTS, 'pdf');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'rowan-minutes.pdf');
  await download.saveAs(file);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  for (const expected of ['OFFICIAL-SENSITIVE', 'Rowan Ellery', 'Ada Thornbury', 'Fit additional locks', 'OPINION']) {
    assert.ok(text.includes(expected), `the copy holds ${expected}`);
  }
  for (const absent of ['Bea Okafor-Lind', 'Larkspur Row']) {
    assert.ok(!text.includes(absent), `the copy must not hold ${absent}`);
  }
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(dir, 'rowan-minutes')]);
  assert.deepEqual(rowan.errors, []);

  const priya = await as('Priya Lakeland');
  await world.server.open(priya, `/meetings/${adasMeeting()}/distribution`);
  const homes = priya.locator('table[data-agency="Wyvern Homes"]');
  await assert.doesNotReject(homes.getByText(/ (GMT|BST)\b/).first().waitFor(), 'the coordinator sees when it was downloaded');
});

test('someone signed out who follows their link is brought back to their copy after signing in', async () => {
  const rowan = await as('Rowan Ellery');
  const copy = copyOf('Rowan Ellery');
  await world.server.open(rowan, '/meetings');
  await rowan.getByRole('button', { name: 'Sign out' }).click();
  await rowan.waitForURL((url) => url.pathname === '/' || url.pathname === '/sign-in');
  await world.server.open(rowan, `/copies/${copy}`);
  await rowan.locator('main').getByRole('link', { name: 'Sign in' }).click();
  await rowan.waitForURL((url) => url.pathname === '/sign-in' && url.search === `?next=/copies/${copy}`);
  await rowan.waitForSelector('body[data-hydrated="true"]');
  await rowan.locator('#sign-in').click();
  await rowan.waitForURL((url) => url.pathname === `/copies/${copy}`, { timeout: 15_000 });
  await assert.doesNotReject(rowan.locator('#download-copy').waitFor());

  // A crafted link cannot send anyone to another site after signing in.
  await world.server.open(rowan, '/sign-in?next=//evil.example/');
  await rowan.locator('#sign-in').click();
  await rowan.waitForURL((url) => url.origin === world.server.baseUrl && url.pathname === '/', { timeout: 15_000 });
});

test('another person\'s link and an expired link are refused', async () => {
  const rowansCopy = copyOf('Rowan Ellery');
  const hollis = await as('Hollis Varga');
  await world.server.open(hollis, `/copies/${rowansCopy}`);
  await assert.doesNotReject(hollis.locator('#load-error').getByText('We could not find that').waitFor());
  const direct = await hollis.request.get(`${world.server.baseUrl}/copies/${rowansCopy}/minutes.pdf`);
  assert.equal(direct.status(), 404, 'the PDF of someone else\'s copy does not exist for them');

  const own = copyOf('Hollis Varga');
  world.server.sql(`UPDATE minute_copies SET expires_at = 1 WHERE id = '${own}';`);
  await world.server.open(hollis, `/copies/${own}`);
  await assert.doesNotReject(hollis.locator('#copy-unavailable').waitFor());
  await checked(hollis, 'minutes-copy-expired');
  const expired = await hollis.request.get(`${world.server.baseUrl}/copies/${own}/minutes.pdf`);
  assert.equal(expired.status(), 410);
});
