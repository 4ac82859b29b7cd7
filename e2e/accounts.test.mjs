// The sign-in journey in headless Debian chromium: an invitation (made with
// `passend gebruiker uitnodigen`) → set a password → set up the second factor with the key the
// page shows → sign out → sign in with password and a fresh app code → sign out; the old session
// cookie no longer works. Every page of the journey has zero axe violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { axeViolations, useSite } from './browser.mjs';

const site = useSite();

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; let value = 0; const out = [];
  for (const c of text.replace(/\s+/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c); bits += 5;
    if (bits >= 8) { bits -= 8; out.push((value >> bits) & 0xff); }
  }
  return Buffer.from(out);
}

// RFC 6238, as an authenticator app computes it.
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 1000 / 30);

async function noViolations(page, what) {
  assert.deepEqual(await axeViolations(page), [], what);
}

test('invitation → password → second factor → sign in → sign out; the old cookie is dead', async () => {
  const email = `ib-${Date.now()}@example.nl`;
  const output = execFileSync(process.env.PASSEND_BIN, [
    'gebruiker', 'uitnodigen', '--email', email, '--naam', 'Ilse Begeleider', '--rol', 'toeleider',
  ], { env: process.env, encoding: 'utf8' });
  const link = output.match(/\/uitnodiging\/[0-9a-f]{64}/)[0];
  const { context, page, problems } = await site.newPage();

  await page.goto(site.server.url + link);
  await noViolations(page, 'invitation form');
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('welkom123');
  await page.getByLabel('Nieuw wachtwoord nog een keer').fill('welkom123');
  await page.getByRole('button', { name: 'Account maken' }).click();
  await page.getByText('eerder uitgelekt').first().waitFor();
  await noViolations(page, 'invitation form with an error');
  await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill('zeven kleine olifanten dansen');
  await page.getByLabel('Nieuw wachtwoord nog een keer').fill('zeven kleine olifanten dansen');
  await page.getByRole('button', { name: 'Account maken' }).click();

  await page.waitForURL('**/account/tweestapsverificatie');
  await noViolations(page, 'second factor set-up');
  const secret = (await page.locator('.passend-secret').textContent()).trim();
  const enrolledStep = stepNow();
  await page.getByLabel('Code uit de app').fill(totp(secret, enrolledStep));
  await page.getByRole('button', { name: 'Code controleren' }).click();
  await page.getByRole('heading', { name: 'Uw herstelcodes' }).waitFor();
  assert.equal(await page.locator('.passend-codes li').count(), 10);
  await noViolations(page, 'recovery codes');

  await page.getByRole('link', { name: /naar mijn account/ }).click();
  await page.getByRole('heading', { name: 'Mijn account' }).waitFor();
  await noViolations(page, 'account page');
  await page.getByRole('button', { name: 'Uitloggen', exact: true }).click();
  await page.getByText('U bent uitgelogd.').waitFor();

  // Sign in again with a fresh code (a code works only once, so wait for the next one).
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord', { exact: true }).fill('zeven kleine olifanten dansen');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL('**/inloggen/code');
  await noViolations(page, 'code page');
  while (stepNow() <= enrolledStep) await new Promise((r) => setTimeout(r, 500));
  await page.getByLabel('Code', { exact: true }).fill(totp(secret, stepNow()));
  await page.getByRole('button', { name: 'Verder' }).click();
  // Staff land on their start page.
  await page.getByRole('heading', { name: 'Vandaag' }).waitFor();
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-passend-sessie');
  assert.ok(session && session.httpOnly && session.secure && session.sameSite === 'Lax');

  await page.getByRole('button', { name: 'Uitloggen', exact: true }).click();
  await page.getByText('U bent uitgelogd.').waitFor();
  // Put the old cookie back: the server has forgotten that session.
  await context.addCookies([session]);
  const response = await page.goto(site.server.url + '/account');
  assert.ok(page.url().includes('/inloggen?terug='), page.url());
  assert.equal(response.status(), 200);
  await noViolations(page, 'sign-in page');
  // The refused password answers 422 on purpose; Chromium logs that status as a console error.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 422')), []);
  await context.close();
});
