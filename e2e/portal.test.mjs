// The parents' journey in headless Debian chromium, on the demo server: a school adds a pupil
// and invites the mother to the parents' portal; she makes her account from the mail's link and
// lands on her portal; the school shares the concept; the tracker shows the date for her view; she
// gives her view (first without an answer: the message shows at the field) and consent to the
// OPP; the school submits; toeleiding and two experts do their part; after the decision she sees
// the bezwaar information and opens the letter (read back with pdftotext). Every portal page, in
// Dutch and English, and every staff page with the new parts, has zero axe violations at 1280
// and 320 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPage, dutchDay, signInDemo, useSite } from './browser.mjs';

const mailDir = mkdtempSync(join(tmpdir(), 'passend-portaal-mail-'));
const site = useSite(['--demo'], { PASSEND_MAIL_DIR: mailDir });
const check = (page, path, what) => checkPage(page, site, path, what);

const isoDay = (offsetDays) => dutchDay(offsetDays);

const pdf = (text) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);

// The newest mail to this address containing the text, as the outbox worker wrote it.
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
  assert.deepEqual(problems.filter((p) => !p.includes('status of 422')), [], `${who}: console problems`);
}

test('a parent follows the request from invitation to the decision letter', async () => {
  const stamp = Date.now() % 100000;
  const family = `Portaal-${stamp}`;
  const mother = `moeder-${stamp}@example.nl`;
  const password = 'ouder van sem in almere';
  let pupilUrl = '';
  let requestUrl = '';
  let trackerUrl = '';

  await as('school', async (page) => {
    await page.goto(site.server.url + '/leerlingen/nieuw');
    await page.getByLabel('Voornaam').fill('Sem');
    await page.getByLabel('Achternaam').fill(family);
    await page.getByLabel('Geboortedatum').fill(isoDay(-8 * 365));
    await page.getByLabel(/^Groep \(verplicht\)$/).fill('5');
    await page.getByLabel('Naam', { exact: true }).first().fill('Mira Moeder');
    await page.getByLabel('E-mailadres', { exact: true }).first().fill(mother);
    await page.getByRole('button', { name: 'Leerling toevoegen' }).click();
    await page.getByRole('heading', { name: `Sem ${family}` }).waitFor();
    pupilUrl = new URL(page.url()).pathname;
    await page.getByRole('button', { name: /Uitnodigen voor het ouderportaal/ }).click();
    await page.getByText('De ouder heeft een e-mail gekregen').waitFor();
    await check(page, null, 'the dossier with the portal invitation');

    await page.getByRole('link', { name: 'Nieuwe aanvraag' }).click();
    await page.getByLabel('TLV speciaal basisonderwijs (SBO)').check();
    await page.getByLabel('Uw vraag en de reden').fill('Sem heeft een kleinere groep nodig.');
    await page.getByRole('button', { name: 'Concept aanmaken' }).click();
    await page.getByRole('heading', { name: 'TLV speciaal basisonderwijs (SBO)' }).waitFor();
    requestUrl = new URL(page.url()).pathname;
    await page.getByLabel('Mening graag vóór').fill(isoDay(10));
    await page.getByRole('button', { name: 'Delen met de ouders' }).click();
    await page.getByText('De aanvraag is gedeeld met de ouders.').waitFor();
    await check(page, null, 'a concept shared with the parents');
  });

  // The mother's invitation: her own account, then her portal.
  const invitation = await mailTo(mother, '/uitnodiging/');
  assert.ok(!invitation.includes('Sem') && !invitation.includes(family), 'no pupil data in the mail');
  const link = invitation.match(/http:\/\/127\.0\.0\.1:\d+(\/uitnodiging\/[0-9a-f]{64})/)[1];
  const parentPage = await site.newPage({ viewport: { width: 1280, height: 900 } });
  const { page, context } = parentPage;
  try {
    await page.goto(site.server.url + link);
    await page.getByLabel('Nieuw wachtwoord', { exact: true }).fill(password);
    await page.getByLabel('Nieuw wachtwoord nog een keer').fill(password);
    await page.getByRole('button', { name: 'Account maken' }).click();
    await page.getByRole('heading', { name: 'Mijn kinderen' }).waitFor();
    await page.getByText(`Sem ${family}`).waitFor();
    await check(page, null, 'the portal home');

    // The tracker shows the step and the date for her view.
    await page.getByRole('link', { name: /Toelaatbaarheidsverklaring \(TLV\) voor het speciaal basisonderwijs/ }).first().click();
    trackerUrl = new URL(page.url()).pathname;
    await page.getByText('De school maakt de aanvraag klaar en vraagt uw mening.').waitFor();
    const due = (await page.locator('dt:has-text("Uw mening graag vóór") + dd').textContent()).trim();
    assert.match(due, /\d{1,2} \S+ \d{4}/);
    await check(page, null, 'the tracker with a shared concept');

    await page.getByRole('button', { name: 'Ik heb de aanvraag gelezen' }).click();
    await page.getByText('De school ziet nu dat u de aanvraag heeft gelezen.').waitFor();
    // No answer: the message shows at the field, and the words stay.
    await page.getByLabel('Uw mening in uw eigen woorden').fill('Wij willen graag een school dicht bij huis.');
    await page.getByRole('button', { name: 'Mening versturen' }).click();
    await page.getByRole('heading', { name: 'Controleer het formulier' }).waitFor();
    assert.equal(await page.getByLabel('Uw mening in uw eigen woorden').inputValue(), 'Wij willen graag een school dicht bij huis.');
    await check(page, null, 'the zienswijze form with messages');
    await page.getByLabel('Ik ben het eens met de aanvraag').check();
    await page.getByRole('button', { name: 'Mening versturen' }).click();
    await page.getByText('Uw mening is vastgelegd').waitFor();
    await page.getByLabel('Uw volledige naam').fill('Mira Moeder');
    await page.getByRole('button', { name: 'Aanvraag ondertekenen' }).click();
    await page.getByText('U heeft de aanvraag ondertekend.').waitFor();
    await check(page, null, 'the tracker after responding');

    // The same page in English.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'The steps' }).waitFor();
    await check(page, null, 'the tracker in English');
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await page.getByRole('heading', { name: 'De stappen' }).waitFor();
  } finally {
    // keep the parent's context for later
  }

  await as('school', async (page) => {
    // The OPP is shared with a request for consent; the groeidocument is added.
    for (const [kind, title] of [['Groeidocument', 'Groeidocument Sem'], ['Ontwikkelingsperspectief (OPP) met handelingsdeel', 'OPP Sem']]) {
      await page.goto(site.server.url + pupilUrl);
      await page.getByLabel('Soort document').selectOption({ label: kind });
      await page.getByLabel('Titel').fill(title);
      await page.getByLabel('Bestand').setInputFiles({ name: `${title}.pdf`, mimeType: 'application/pdf', buffer: pdf(title) });
      await page.getByRole('button', { name: 'Document opslaan' }).click();
      await page.getByText('Het document is opgeslagen.').waitFor();
    }
    const row = page.locator('tr', { hasText: 'OPP Sem' });
    await row.getByLabel('Vraag om toestemming (handelingsdeel OPP)').check();
    await row.getByRole('button', { name: /Versie 1 delen/ }).click();
    await page.getByText('Het document is gedeeld met de ouders.').waitFor();
    await check(page, null, 'the dossier with a shared document');
  });

  // Consent, and a report of her own.
  await page.goto(site.server.url + pupilUrl.replace('/leerlingen/', '/ouders/kinderen/'));
  await page.getByRole('button', { name: 'Antwoord versturen' }).click();
  await page.getByText('Kies of u toestemming geeft.').first().waitFor();
  await check(page, null, 'the child page with a consent message');
  await page.getByLabel('Ja, ik geef toestemming').check();
  await page.getByRole('button', { name: 'Antwoord versturen' }).click();
  await page.getByText('Uw antwoord is vastgelegd').waitFor();
  await page.getByLabel('Naam van het document (niet verplicht)').fill('Verslag kinderarts');
  await page.getByLabel('Bestand').setInputFiles({ name: 'kinderarts.pdf', mimeType: 'application/pdf', buffer: pdf('kinderarts') });
  await page.getByRole('button', { name: 'Document toevoegen' }).click();
  await page.getByText('Het document is toegevoegd.').waitFor();
  await page.getByRole('heading', { name: 'Wie heeft de gegevens bekeken of gewijzigd?' }).waitFor();
  await check(page, null, 'the child page with access and log');

  await as('school', async (page) => {
    await page.goto(site.server.url + requestUrl);
    await page.getByText('is het eens met de aanvraag').first().waitFor();
    await page.getByLabel('Datum van het TLO').fill(isoDay(-1));
    await page.getByLabel('Wie waren er bij?').fill('moeder, intern begeleider, orthopedagoog');
    await page.getByRole('button', { name: 'Opslaan en indienen' }).click();
    await page.getByText('De aanvraag is ingediend bij het samenwerkingsverband.').waitFor();
    await check(page, null, 'a submitted request with the parents\u2019 responses');
  });

  await as('toeleider', async (page) => {
    await page.goto(site.server.url + requestUrl);
    await page.getByRole('button', { name: 'In behandeling nemen' }).click();
    await page.getByText('De contactpersoon is vastgelegd.').waitFor();
    for (const expert of ['Dirk Deskundige', 'Anna Arts']) {
      await page.getByLabel(/^Deskundige \(verplicht\)$/).selectOption({ label: expert });
      await page.getByLabel('Uw vraag aan de deskundige').fill('Is Sem toelaatbaar tot het SBO?');
      await page.getByRole('button', { name: 'Advies vragen' }).click();
      await page.getByText('De adviesvraag is verstuurd naar de deskundige.').waitFor();
    }
  });

  // Meanwhile the tracker names the contact person and the decision date.
  await page.goto(site.server.url + trackerUrl);
  await page.getByText('Twee deskundigen bekijken de aanvraag').waitFor();
  await page.locator('dt:has-text("Besluit uiterlijk") + dd').waitFor();
  await check(page, null, 'the tracker while experts advise');

  for (const [who, profession] of [['deskundige', 'orthopedagoog'], ['arts', 'arts']]) {
    await as(who, async (p) => {
      await p.goto(site.server.url + '/adviezen');
      // Sem's advice (the demo has another one waiting).
      await p.getByRole('row', { name: new RegExp(family) }).getByRole('link', { name: /TLV speciaal basisonderwijs/ }).click();
      await p.getByLabel('U adviseert als').selectOption(profession);
      await p.getByLabel('De leerling is toelaatbaar', { exact: true }).check();
      // Each expert writes their own advice: the same text twice is refused.
      await p.getByLabel('Uw advies met onderbouwing').fill(`Als ${profession}: Sem heeft de kleine groep van het SBO nodig.`);
      await p.getByLabel(/Ik verklaar dat ik niet werk bij/).check();
      await p.getByRole('button', { name: 'Advies geven' }).click();
      await p.getByText('Uw advies is opgeslagen.').waitFor();
    });
  }

  let number = '';
  await as('toeleider', async (p) => {
    await p.goto(site.server.url + requestUrl);
    await p.getByLabel('Toelaatbaar', { exact: true }).check();
    await p.getByLabel('Motivering').fill('Sem heeft een kleine groep nodig; het SBO kan dat bieden.');
    await p.getByRole('button', { name: 'Besluit nemen' }).click();
    await p.getByText('Het besluit is genomen en de brief is gemaakt.').waitFor();
    number = (await p.locator('dt:has-text("Beschikkingsnummer") + dd').textContent()).trim();
  });

  // Decided, not yet sent: the parent knows a letter comes, and sees no term yet.
  await mailTo(mother, 'een besluit genomen');
  await page.goto(site.server.url + trackerUrl);
  await page.getByText('De besluitbrief is nog niet verstuurd.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Download de besluitbrief (pdf)' }).count(), 0);
  await check(page, null, 'the tracker before the letter is sent');

  // Toeleiding sends the letter through the portal: from now on the bezwaar term runs.
  await as('toeleider', async (p) => {
    await p.goto(site.server.url + requestUrl);
    await p.getByRole('link', { name: 'Verzending vastleggen', exact: true }).click();
    await p.getByLabel('in het ouderportaal (de ouders krijgen bericht)').check();
    await p.getByRole('button', { name: 'Verzending vastleggen' }).click();
    await p.getByText('De verzending van de brief is vastgelegd.').waitFor();
  });

  // After the sending: the bezwaar information and the letter.
  await mailTo(mother, 'Er is een besluitbrief');
  await page.goto(site.server.url + trackerUrl);
  await page.getByRole('heading', { name: 'Niet eens met het besluit?' }).waitFor();
  await page.getByText(`over welk besluit het gaat (nummer ${number})`).waitFor();
  await page.locator('dt:has-text("Bezwaar maken kan tot en met") + dd').waitFor();
  await check(page, null, 'the tracker after the decision');
  const href = await page.getByRole('link', { name: 'Download de besluitbrief (pdf)' }).getAttribute('href');
  const response = await context.request.get(site.server.url + href);
  assert.equal(response.status(), 200);
  assert.equal(response.headers()['content-type'], 'application/pdf');
  const dir = mkdtempSync(join(tmpdir(), 'passend-ouderbrief-'));
  try {
    const file = join(dir, 'brief.pdf');
    writeFileSync(file, await response.body());
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const expected of [number, `Sem ${family}`, 'bezwaar']) {
      assert.ok(text.includes(expected), `the letter lacks "${expected}": ${text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Do you disagree with the decision?' }).waitFor();
  await check(page, null, 'the decided tracker in English');
  await check(page, pupilUrl.replace('/leerlingen/', '/ouders/kinderen/'), 'the child page in English');
  await check(page, '/ouders', 'the portal home in English');
  await context.close();
  assert.deepEqual(parentPage.problems.filter((p) => !p.includes('status of 422')), [], 'parent: console problems');
  rmSync(mailDir, { recursive: true, force: true });
});
