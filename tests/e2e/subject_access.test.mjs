// A subject access request in a real browser, from search to approved download: the data
// protection officer finds the victim, prepares the export (other people's names taken out),
// reviews it (after a passkey check if the last is not recent); a second DPO approves it (the one
// who prepared it cannot), confirming with their passkey, and downloads the PDF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { demoWorld, ARTIFACTS, checked } from './harness.mjs';

const world = demoWorld();

test('the DPO answers a subject access request from search to approved download', async () => {
  const dpo = await world.people.as('Ifeoma Castellanos');
  await world.server.open(dpo, '/subject-access');
  await dpo.getByLabel('Name of the person').fill('Thornbury');
  await dpo.locator('#find-subject').click();
  const matches = dpo.locator('#matches');
  await matches.waitFor();
  await checked(dpo, 'subject-access-search');
  await matches.getByRole('button', { name: 'Prepare the export for Ada Thornbury' }).click();
  await dpo.waitForURL((url) => /\/subject-access\/[0-9a-f-]{36}$/.test(url.pathname));
  await dpo.waitForSelector('#export-preview');
  await dpo.waitForSelector('body[data-hydrated="true"]');
  const preview = await dpo.locator('#export-preview').innerText();
  assert.ok(preview.includes('14 Larkspur Row'), 'her own address');
  assert.ok(!preview.includes('Callum') && !preview.includes('Milo'), 'nobody else named');
  await checked(dpo, 'subject-access-review');

  // Coming back to the review later asks for the passkey before showing anything.
  world.server.sql('UPDATE sessions SET reauthenticated_at = reauthenticated_at - 600');
  const review = new URL(dpo.url()).pathname;
  await world.server.open(dpo, review);
  await dpo.locator('#confirm-to-see').waitFor();
  assert.equal(await dpo.locator('#export-preview').count(), 0, 'nothing shown before the passkey check');
  await checked(dpo, 'subject-access-review-confirm');
  await dpo.locator('#confirm-to-see').click();
  await dpo.waitForSelector('#export-preview');
  await dpo.waitForSelector('body[data-hydrated="true"]');

  // Whoever prepared the export cannot also approve it: a second DPO must.
  await dpo.locator('#approve-export').click();
  await assert.doesNotReject(dpo.getByText('another data protection officer must review and approve it').first().waitFor());
  assert.ok((await dpo.locator('#export-preview').innerText()).includes('14 Larkspur Row'), 'the review is still there');
  assert.equal(await dpo.locator('#download-pdf').count(), 0, 'nothing released');

  const second = await world.people.as('Nadia Fairweather');
  await world.server.open(second, review);
  const confirm = second.locator('#confirm-to-see');
  if (await confirm.count()) await confirm.click();
  await second.waitForSelector('#export-preview');
  await second.waitForSelector('body[data-hydrated="true"]');
  await second.locator('#approve-export').click();
  await assert.doesNotReject(second.getByText('The export is approved').waitFor());
  await second.locator('#download-pdf').waitFor();
  const [download] = await Promise.all([second.waitForEvent('download'), second.locator('#download-pdf').click()]);
  const dir = path.join(ARTIFACTS, 'pdf');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'subject-access.pdf');
  await download.saveAs(file);
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  assert.ok(text.includes('Ada Thornbury') && text.includes('OFFICIAL-SENSITIVE'));
  assert.ok(!text.includes('Callum'), 'the released PDF names nobody else');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(dir, 'subject-access')]);
  await checked(second, 'subject-access-approved');
  // The only error the first DPO's browser saw is the refused approval (422), on purpose.
  assert.deepEqual(dpo.errors.filter((e) => !e.includes('status of 422')), []);
  assert.deepEqual(second.errors, []);
});
