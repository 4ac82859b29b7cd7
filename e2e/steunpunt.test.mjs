// The Oudersteunpunt and the zorgplicht registers in headless Debian chromium, on the demo
// server. A parent without an account sends the contact form (messages first), gets the
// reference number on screen and by mail; an ouderadviseur finds the case, adds a note and looks
// at the signalering; a toeleider and a beheerder cannot find the case anywhere. Then a school
// works through an aanmelding with its terms, a thuiszitter and a sick pupil, and a toeleider
// downloads the Inspectie report. Every page has zero axe violations at 1280 and 320 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPage, dutchDay, signInDemo, useSite } from './browser.mjs';

const mailDir = mkdtempSync(join(tmpdir(), 'passend-steunpunt-mail-'));
const site = useSite(['--demo'], { PASSEND_MAIL_DIR: mailDir });
const check = (page, path, what) => checkPage(page, site, path, what);

async function mailTo(address, containing) {
  for (let i = 0; i < 100; i++) {
    for (const name of readdirSync(mailDir)) {
      const text = readFileSync(join(mailDir, name), 'utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      if (text.includes(`To: ${address}`) && text.includes(containing)) return text;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${address} containing ${containing}`);
}

async function as(who, body) {
  const { context, page, problems } = await site.newPage({ viewport: { width: 1280, height: 900 } });
  await signInDemo(page, site, who);
  try {
    await body(page, context);
  } finally {
    await context.close();
  }
  // Form messages answer 422 on purpose, and refused pages 404; Chromium logs those statuses.
  assert.deepEqual(problems.filter((p) => !/status of (422|404)/.test(p)), [], `${who}: console problems`);
}

test('a parent asks the Oudersteunpunt; only the ouderadviseurs can find the question', async () => {
  const stamp = Date.now() % 100000;
  const name = `Fenna Vertrouwelijk-${stamp}`;
  const email = `fenna-${stamp}@example.nl`;
  const message = `Mijn dochter Lotte-${stamp} zit al zes weken thuis. Wie kan ons helpen?`;
  let reference = '';
  let caseUrl = '';

  // A parent, without an account.
  {
    const { context, page, problems } = await site.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(site.server.url + '/oudersteunpunt');
    await page.getByRole('link', { name: 'contactformulier van het Oudersteunpunt' }).click();
    await page.getByRole('heading', { name: 'Contact met het Oudersteunpunt' }).waitFor();
    const shownAt = Date.now();
    await check(page, null, 'the contact form');
    // The field only robots fill in is never reached with the keyboard.
    const focusable = await page.locator('#website').evaluate((el) => el.tabIndex);
    assert.equal(focusable, -1);
    // Sent empty: a message at each field.
    await page.getByRole('button', { name: 'Verstuur' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    await page.getByText('Kies waarvoor u contact opneemt.').first().waitFor();
    assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('passend-error-summary')),
      'the error summary takes focus');
    assert.ok(!(await page.textContent('main')).includes('erg snel verstuurd'),
      'the timing check is not shown on top of the field messages');
    await check(page, null, 'the contact form with messages');
    await page.getByLabel('Ik wil hulp bij een procedure').check();
    await page.getByLabel('Waar gaat het over? (verplicht)').selectOption('thuiszitten');
    await page.getByLabel('Uw naam (verplicht)').fill(name);
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Telefoonnummer').fill('036 555 0123');
    await page.getByLabel('Ja, bel mij terug').check();
    await page.getByLabel('Wanneer kunnen wij u het beste bellen?').fill('woensdagochtend');
    await page.getByLabel('Uw vraag of bericht (verplicht)').fill(message);
    const wait = 3500 - (Date.now() - shownAt);
    if (wait > 0) await page.waitForTimeout(wait);
    await page.getByRole('button', { name: 'Verstuur' }).click();
    await page.getByRole('heading', { name: 'Uw bericht is verstuurd' }).waitFor();
    reference = (await page.locator('main strong').first().textContent()).trim();
    assert.match(reference, /^OSP-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await check(page, null, 'the confirmation');
    const mail = await mailTo(email, reference);
    assert.ok(!mail.includes(`Lotte-${stamp}`), 'the mail holds no message');
    // In English too.
    await check(page, '/en/oudersteunpunt/contact', 'the English contact form');
    await context.close();
    assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);
  }

  // The ouderadviseur lands on Vandaag, where the new question waits; the caseload has it too.
  await as('ouderadviseur', async (page) => {
    assert.ok(page.url().endsWith('/vandaag'), page.url());
    await page.getByRole('region', { name: /Nieuwe vragen/ }).getByRole('link', { name: reference }).waitFor();
    await page.goto(site.server.url + '/steunpunt');
    await check(page, null, 'the caseload');
    await page.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { name: `Zaak ${reference}` }).waitFor();
    caseUrl = page.url().replace(site.server.url, '');
    assert.ok((await page.textContent('main')).includes(message));
    await check(page, null, 'the case');
    await page.getByLabel('Contactmoment', { exact: true }).check();
    await page.getByLabel('Wat wilt u vastleggen?').fill('Teruggebeld en uitgelegd wat een onderwijsconsulent doet.');
    await page.getByRole('button', { name: 'Toevoegen' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    await check(page, null, 'the case with a message');
    await page.getByLabel('Met wie had u contact? (bij een contactmoment)').fill('moeder');
    await page.getByRole('button', { name: 'Toevoegen' }).click();
    await page.getByText('De notitie is toegevoegd.').waitFor();
    await page.getByLabel('Stand').selectOption('in-behandeling');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('De zaak is bijgewerkt.').waitFor();
    await check(page, '/steunpunt/signalering', 'the signalering');
    assert.ok(!(await page.textContent('main')).includes(reference));
    await page.goto(site.server.url + '/steunpunt/nieuw');
    await page.getByRole('button', { name: 'Zaak toevoegen' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('passend-error-summary')),
      'the error summary takes focus (staff form)');
    await check(page, null, 'a new case with messages');
  });

  // A toeleider and a beheerder: not in any list, search, log or queue; the case is "not found".
  // The whole HTML, except the search box that echoes what was searched for.
  const hidden = async (page, what) => {
    const text = (await page.content()).replace(/<input[^>]*type="search"[^>]*>/g, '');
    for (const secret of [reference, name, email, `Lotte-${stamp}`]) {
      assert.ok(!text.includes(secret), `${what} shows ${secret}`);
    }
  };
  await as('toeleider', async (page) => {
    for (const path of ['/swv/aanvragen', `/swv/tlv?q=${encodeURIComponent(name)}`, '/swv/zorgplicht', '/swv/thuiszitters?weergave=alle', '/account']) {
      await page.goto(site.server.url + path);
      await hidden(page, `toeleider ${path}`);
    }
    assert.equal(await page.locator('nav a[href="/steunpunt"]').count(), 0);
    for (const path of ['/steunpunt', caseUrl, '/steunpunt/signalering']) {
      const r = await page.goto(site.server.url + path);
      assert.equal(r.status(), 404, path);
      await hidden(page, `toeleider ${path}`);
    }
  });
  await as('beheerder', async (page) => {
    for (const path of ['/beheer', '/beheer/audit', '/beheer/audit?uitkomst=denied', '/beheer/e-mail', '/beheer/gebruikers', '/steunpunt/signalering']) {
      await page.goto(site.server.url + path);
      await hidden(page, `beheerder ${path}`);
    }
    const r = await page.goto(site.server.url + caseUrl);
    assert.equal(r.status(), 404);
    await hidden(page, 'beheerder case');
  });
});

test('a school works through an aanmelding, a thuiszitter and a sick pupil', async () => {
  await as('school', async (page) => {
    await check(page, '/school/zorgplicht', 'the school overview');
    await page.getByRole('link', { name: 'Daan Demo' }).first().click();
    await page.getByRole('heading', { name: 'Termijnen' }).waitFor();
    await check(page, null, 'the aanmelding with its terms');
    // An extension with a date still to come: a message at the field.
    await page.getByLabel('Verlengd met').selectOption('2');
    const received = await page.getByLabel('Schriftelijke aanmelding ontvangen op').inputValue();
    const late = new Date(Date.parse(received) + 50 * 86400000).toISOString().slice(0, 10);
    const today = dutchDay();
    await page.getByLabel('Ouders schriftelijk geïnformeerd op').fill(late);
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    await check(page, null, 'the aanmelding with a message');
    await page.getByLabel('Ouders schriftelijk geïnformeerd op').fill(received);
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Opgeslagen.').waitFor();
    await page.getByText('Na verlenging').waitFor();

    await page.goto(site.server.url + '/school/zorgplicht');
    await page.getByRole('link', { name: 'Sara Voorbeeld' }).click();
    await page.getByRole('heading', { name: /Thuiszitter: Sara Voorbeeld/ }).waitFor();
    await check(page, null, 'the thuiszitter');

    await page.goto(site.server.url + '/school/zorgplicht');
    await page.locator('a[href^="/ziek/"]').first().click();
    await page.getByRole('heading', { name: /Zieke leerling: Daan Demo/ }).waitFor();
    await check(page, null, 'the sick pupil');
    await page.getByLabel('Nieuw evaluatiemoment op').fill(today);
    await page.getByRole('button', { name: 'Evaluatiemoment plannen' }).click();
    await page.getByText('Het evaluatiemoment is opgeslagen.').waitFor();
    await page.getByRole('button', { name: /^Evaluatie van .* opslaan$/ }).first().click();
    await page.getByText('Het evaluatiemoment is niet opgeslagen: schrijf eerst wat eruit kwam.').waitFor();
    await page.getByLabel(/^Wat kwam eruit op /).first().fill('Daan houdt de lesstof goed bij.');
    await page.getByRole('button', { name: /^Evaluatie van .* opslaan$/ }).first().click();
    await page.getByText('Het evaluatiemoment is opgeslagen.').waitFor();
    await page.getByText('Daan houdt de lesstof goed bij.').waitFor();

    // New registrations start from the dossier; sent empty they show their messages.
    await page.goto(site.server.url + '/leerlingen');
    await page.getByRole('link', { name: 'Sara Voorbeeld' }).click();
    for (const [link, button] of [['Aanmelding registreren', 'Aanmelding registreren'], ['Thuiszitter registreren', 'Thuiszitter registreren'], ['Zieke leerling registreren', 'Zieke leerling registreren']]) {
      const dossier = page.url();
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('button', { name: button }).click();
      await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
      await check(page, null, `${link} with messages`);
      await page.goto(dossier);
    }
  });

  await as('toeleider', async (page, context) => {
    await check(page, '/swv/zorgplicht', 'the SWV overview');
    await check(page, '/swv/thuiszitters', 'the thuiszitters register');
    const csv = await context.request.get(site.server.url + '/swv/thuiszitters/inspectie.csv');
    assert.equal(csv.status(), 200);
    const text = await csv.text();
    assert.ok(text.includes('"Initialen"'));
    assert.ok(text.includes('"S. V."'), text);
    assert.ok(!text.includes('Sara') && !text.includes('Voorbeeld'), 'no names in the report');
    const xlsx = await context.request.get(site.server.url + '/swv/thuiszitters/inspectie.xlsx');
    assert.equal(xlsx.status(), 200);
    const bytes = await xlsx.body();
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
    assert.ok(bytes.includes('S. V.') && !bytes.includes('Sara'));
  });
});
