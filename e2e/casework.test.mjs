// The TLV journey in headless Debian chromium, on the demo server: a school adds a pupil and a
// TLV SO request, adds the documents and the parents' view, submits; a toeleider takes it and asks
// two experts; each expert gives a written advice; the toeleider decides and records the sending;
// the school downloads the PDF letter, whose text is read back with pdftotext; the parents object,
// the LBT advises and the toeleider takes the beslissing op bezwaar, whose letter is read back
// too. Every page on the way has zero axe violations at 1280 and 320 px, also with form messages
// showing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPage, dutchDay, signInDemo, useSite } from './browser.mjs';

const site = useSite(['--demo']);
const check = (page, path, what) => checkPage(page, site, path, what);

const isoDay = (offsetDays) => dutchDay(offsetDays);

async function as(who, body) {
  const { context, page, problems } = await site.newPage({ viewport: { width: 1280, height: 900 } });
  await signInDemo(page, site, who);
  try {
    await body(page, context);
  } finally {
    await context.close();
  }
  // Form messages answer 422 on purpose; Chromium logs that status as a console error.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 422')), [], `${who}: console problems`);
}

const pdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);

test('a TLV SO request from school to decision letter', async () => {
  const pupil = `Noor Testleerling-${Date.now() % 100000}`;
  let requestUrl = '';

  await as('school', async (page) => {
    await page.goto(site.server.url + '/leerlingen/nieuw');
    const [given, family] = pupil.split(' ');
    await page.getByLabel('Voornaam').fill(given);
    await page.getByLabel('Achternaam').fill(family);
    await page.getByLabel('Geboortedatum').fill(isoDay(-8 * 365));
    await page.getByLabel(/^Groep \(verplicht\)$/).fill('4');
    await page.getByLabel('Naam', { exact: true }).first().fill('Nadia Testouder');
    await page.getByLabel('E-mailadres', { exact: true }).first().fill('nadia@example.nl');
    await page.getByRole('button', { name: 'Leerling toevoegen' }).click();
    await page.getByRole('heading', { name: pupil }).waitFor();
    await check(page, null, 'the dossier');

    await page.getByRole('link', { name: 'Nieuwe aanvraag' }).click();
    await page.getByRole('button', { name: 'Concept aanmaken' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    await check(page, null, 'the new request form with messages');
    await page.getByLabel('TLV speciaal onderwijs (SO), categorie midden').check();
    await page.getByLabel('Uw vraag en de reden').fill('Noor heeft een kleine groep en veel zorg nodig.');
    await page.getByRole('button', { name: 'Concept aanmaken' }).click();
    await page.getByRole('heading', { name: 'TLV speciaal onderwijs (SO), categorie midden' }).waitFor();
    requestUrl = page.url().split('?')[0];
    await check(page, null, 'a concept request');

    // Submitting too early names what is missing.
    await page.getByRole('button', { name: 'Opslaan en indienen' }).click();
    await page.getByText('Nog nodig: het groeidocument.').first().waitFor();
    await check(page, null, 'an incomplete request');

    for (const [kind, title] of [['Groeidocument', 'Groeidocument Noor'], ['Ontwikkelingsperspectief (OPP) met handelingsdeel', 'OPP Noor']]) {
      await page.goto(requestUrl);
      await page.getByLabel('Soort document').selectOption({ label: kind });
      await page.getByLabel('Titel').fill(title);
      await page.getByLabel('Bestand').setInputFiles({ name: `${title}.pdf`, mimeType: 'application/pdf', buffer: pdf(title) });
      await page.getByRole('button', { name: 'Document opslaan' }).click();
      await page.getByText('Het document is opgeslagen.').waitFor();
    }
    await page.getByLabel('Wat vinden de ouders van de aanvraag?').selectOption('eens');
    await page.getByLabel('De zienswijze in de woorden van de ouders').fill('Wij steunen deze aanvraag.');
    await page.getByLabel('Datum van de zienswijze').fill(isoDay(-1));
    await page.getByLabel('Datum van het TLO').fill(isoDay(-1));
    await page.getByLabel('Wie waren er bij?').fill('moeder, intern begeleider, orthopedagoog');
    await page.getByRole('button', { name: 'Opslaan', exact: true }).click();
    await page.getByText('Alles wat nodig is, is er.').waitFor();
    await page.getByRole('button', { name: 'Opslaan en indienen' }).click();
    await page.getByText('De aanvraag is ingediend bij het samenwerkingsverband.').waitFor();
    await check(page, null, 'a submitted request');
  });

  await as('toeleider', async (page) => {
    await page.goto(site.server.url + '/swv/aanvragen');
    await page.getByRole('link', { name: pupil }).click();
    await page.getByRole('button', { name: 'In behandeling nemen' }).click();
    await page.getByText('De contactpersoon is vastgelegd.').waitFor();
    await check(page, null, 'a request in behandeling (toeleider)');
    // The decision form is not there yet; advice is asked of two experts.
    for (const expert of ['Dirk Deskundige', 'Anna Arts']) {
      await page.getByLabel(/^Deskundige \(verplicht\)$/).selectOption({ label: expert });
      await page.getByLabel('Uw vraag aan de deskundige').fill('Is Noor toelaatbaar tot het SO, en in welke categorie?');
      await page.getByRole('button', { name: 'Advies vragen' }).click();
      await page.getByText('De adviesvraag is verstuurd naar de deskundige.').waitFor();
    }
    // The page says plainly what a decision still waits for, and offers no decision form yet.
    await page.getByRole('heading', { name: 'Nu nodig: Wacht op de deskundigenadviezen' }).waitFor();
    await page.getByText('Nog geen besluit mogelijk: er zijn twee deskundigenadviezen nodig.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Besluit nemen' }).count(), 0);
    await check(page, null, 'a request waiting for the advices (toeleider)');
  });

  for (const [who, profession] of [['deskundige', 'orthopedagoog'], ['arts', 'arts']]) {
    await as(who, async (page) => {
      await page.goto(site.server.url + '/adviezen');
      await check(page, null, `${who}: advices`);
      await page.getByRole('link', { name: /TLV speciaal onderwijs/ }).first().click();
      await page.getByRole('button', { name: 'Advies geven' }).click();
      await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
      await check(page, null, `${who}: advice form with messages`);
      await page.getByLabel('U adviseert als').selectOption(profession);
      await page.getByLabel('De leerling is toelaatbaar', { exact: true }).check();
      // Each expert writes their own advice: the same text twice is refused.
      await page.getByLabel('Uw advies met onderbouwing').fill(`Als ${profession}: Noor heeft structuur, een kleine groep en zorg nodig die het SO biedt.`);
      await page.getByLabel(/Ik verklaar dat ik niet werk bij/).check();
      await page.getByRole('button', { name: 'Advies geven' }).click();
      await page.getByText('Uw advies is opgeslagen.').waitFor();
      await page.getByRole('link', { name: /TLV speciaal onderwijs/ }).first().click();
      await page.getByText('U heeft dit advies gegeven.').waitFor();
      await check(page, null, `${who}: a given advice`);
    });
  }

  let number = '';
  await as('toeleider', async (page) => {
    await page.goto(requestUrl);
    // The advices are in: the decision is what is needed now. Sent empty, it says what is missing.
    await page.getByRole('heading', { name: 'Nu nodig: Neem het besluit' }).waitFor();
    await page.getByRole('button', { name: 'Besluit nemen' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    await check(page, null, 'the decision form with messages');
    await page.getByLabel('Toelaatbaar', { exact: true }).check();
    await page.getByLabel('Bekostigingscategorie (alleen SO)').selectOption('midden');
    await page.getByLabel('Motivering').fill('Noor heeft een kleine groep, structuur en zorg nodig; het SO kan dat bieden.');
    await page.getByRole('button', { name: 'Besluit nemen' }).click();
    await page.getByText('Het besluit is genomen en de brief is gemaakt.').waitFor();
    number = (await page.locator('dt:has-text("Beschikkingsnummer") + dd').textContent()).trim();
    assert.match(number, /^PO2401-\d{4}-\d{5}$/);
    await page.getByText('de termijn begint als de brief is verzonden').waitFor();
    await check(page, null, 'a decided request (toeleider)');
    // The letter is sent: recorded with the day and the way (the 'Nu nodig' part leads there); the bezwaar term starts.
    await page.getByRole('link', { name: 'Verzending vastleggen', exact: true }).click();
    await check(page, null, 'the sending form');
    await page.getByRole('button', { name: 'Verzending vastleggen' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    await page.getByRole('link', { name: 'Kies hoe de brief is verzonden of uitgereikt.' }).waitFor();
    await check(page, null, 'the sending form with messages');
    await page.getByLabel('per post').check();
    await page.getByRole('button', { name: 'Verzending vastleggen' }).click();
    await page.getByText('De verzending van de brief is vastgelegd.').waitFor();
    await page.locator('dt:has-text("Bezwaar mogelijk tot en met") + dd').waitFor();
    await check(page, '/swv/tlv', 'the TLV register with a TLV');
  });

  await as('school', async (page, context) => {
    await page.goto(requestUrl);
    await check(page, null, 'a decided request (school)');
    const response = await context.request.get(site.server.url + (await page.getByRole('link', { name: 'Download de besluitbrief (PDF)' }).getAttribute('href')));
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'passend-brief-'));
    try {
      const file = join(dir, 'brief.pdf');
      writeFileSync(file, await response.body());
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      for (const expected of [number, pupil, 'toelaatbaar', 'speciaal onderwijs', 'midden', 'een orthopedagoog en een arts', 'bezwaar', 'LBT', 'Verzonden:', 'uiterlijk op']) {
        assert.ok(text.includes(expected), `the letter lacks "${expected}": ${text}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The parents object. Toeleiding registers the bezwaar, sends it to the LBT, records the
  // LBT's advice and takes the beslissing op bezwaar; its letter names beroep at the rechtbank.
  await as('toeleider', async (page, context) => {
    await page.goto(requestUrl);
    await page.getByLabel('Ontvangen op').fill(isoDay(0));
    await page.getByRole('button', { name: 'Bezwaar registreren' }).click();
    await page.getByText('Het bezwaar is geregistreerd.').waitFor();
    await page.getByLabel('Voorgelegd aan de LBT op (leeg: nog niet)').fill(isoDay(0));
    await page.getByLabel('Advies van de LBT', { exact: true }).selectOption('ongegrond');
    await page.getByLabel('Datum van het advies').fill(isoDay(0));
    await page.getByRole('button', { name: 'Bezwaar bijwerken' }).click();
    await page.getByText('Het bezwaar is bijgewerkt.').waitFor();
    await check(page, null, 'a decided request with a bezwaar');
    await page.getByRole('link', { name: 'Beslissen op dit bezwaar' }).click();
    await page.getByRole('heading', { name: 'Beslissing op bezwaar', level: 1 }).waitFor();
    await check(page, null, 'the beslissing op bezwaar form');
    await page.getByRole('button', { name: 'Beslissing nemen' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    await check(page, null, 'the beslissing op bezwaar form with messages');
    await page.getByLabel(/^Ongegrond/).check();
    await page.getByLabel(/^Motivering \(verplicht\)$/).fill('Wij volgen het advies van de LBT: het besluit blijft staan, omdat de adviezen eensluidend waren.');
    await page.getByRole('button', { name: 'Beslissing nemen' }).click();
    await page.getByText('De beslissing op bezwaar is genomen').waitFor();
    const href = await page.getByRole('link', { name: 'Bekijk het concept van de brief (PDF)' }).getAttribute('href');
    await page.getByLabel('per post').check();
    await page.getByLabel('Het advies van de LBT gaat mee met de brief').check();
    await page.getByRole('button', { name: 'Verzending vastleggen' }).click();
    await page.getByText('De verzending is vastgelegd.').waitFor();
    await page.locator('dt:has-text("Beroep mogelijk tot en met") + dd').waitFor();
    await check(page, null, 'a beslissing op bezwaar, sent');
    assert.equal(await page.getByRole('link', { name: 'Download de brief met de beslissing op bezwaar (PDF)' }).getAttribute('href'), href);
    const response = await context.request.get(site.server.url + href);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'passend-bob-'));
    try {
      const file = join(dir, 'bob.pdf');
      writeFileSync(file, await response.body());
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      for (const expected of [number, 'Beslissing op uw bezwaar', 'Wij vinden uw bezwaar ongegrond', 'blijft gelden', 'De LBT gaf op', 'Wij volgen dit advies.', 'in beroep gaan bij de rechtbank', 'Verzonden:', 'uiterlijk op', 'griffierecht']) {
        assert.ok(text.includes(expected), `the beslissing lacks "${expected}": ${text}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
