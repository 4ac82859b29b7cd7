// The start page "Vandaag" per role, in headless Debian chromium on the demo server: each role
// signs in, lands on its start page (zero axe violations at 1280 and 320 px) and follows a line
// from it to the place to act: the school a parent's answer, the toeleider a decision term
// ending this week, the expert an advice request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, dutchDay, signInDemo, useSite } from './browser.mjs';

const site = useSite(['--demo']);
const check = (page, path, what) => checkPage(page, site, path, what);

async function as(who, body) {
  const { context, page, problems } = await site.newPage({ viewport: { width: 1280, height: 900 } });
  await signInDemo(page, site, who);
  try {
    await body(page);
  } finally {
    await context.close();
  }
  // Form messages answer 422 on purpose; Chromium logs that status as a console error.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 422')), [], `${who}: console problems`);
}

// The section of the start page with this heading.
const section = (page, title) => page.locator('section', { has: page.getByRole('heading', { name: new RegExp(`^${title}`) }) });

test('each role lands on Vandaag and follows a line to the act', async () => {
  // The demo parent reads Daan's request: an answer the school will see.
  await as('ouder', async (page) => {
    await page.locator('a[href^="/ouders/aanvragen/"]').first().click();
    await page.getByRole('button', { name: 'Ik heb de aanvraag gelezen' }).click();
    await page.getByText('De school ziet nu dat u de aanvraag heeft gelezen.').waitFor();
  });

  await as('school', async (page) => {
    assert.ok(page.url().endsWith('/vandaag'), page.url());
    await check(page, null, 'the school\'s start page');
    const answers = section(page, 'Reacties van ouders');
    await answers.getByText(/heeft de aanvraag gelezen/).first().waitFor();
    await answers.getByRole('link', { name: 'Daan Demo' }).first().click();
    await page.getByRole('heading', { name: 'Reacties van de ouders in het ouderportaal' }).waitFor();
    assert.match(page.url(), /\/aanvragen\/\d+#delen$/);
    await check(page, null, 'the request the answer is on');
  });

  await as('toeleider', async (page) => {
    assert.ok(page.url().endsWith('/vandaag'), page.url());
    await check(page, null, 'the toeleider\'s start page');
    const terms = section(page, 'Beslistermijn binnen een week');
    await terms.getByText(/Beslis uiterlijk/).waitFor();
    await terms.getByRole('link', { name: 'Lotte Voorbeeld' }).first().click();
    await page.getByRole('heading', { name: /^Nu nodig: / }).waitFor();
    await check(page, null, 'the request whose term ends');
    // A meeting planned (under "Andere acties"), then a move without a reason: the message at
    // the field, the form open.
    await page.locator('summary', { hasText: 'Overleg plannen' }).click();
    const inAWeek = dutchDay(7);
    await page.getByLabel(/^Datum \(verplicht\)$/).fill(inAWeek);
    await page.getByLabel(/^Tijd \(verplicht\)$/).fill('14:30');
    await page.getByLabel('De ouders').check();
    await page.getByRole('button', { name: 'Overleg plannen en uitnodigen' }).click();
    await page.getByText('14.30 uur').first().waitFor();
    await page.getByText('Verzetten of afzeggen', { exact: true }).click();
    await page.getByRole('button', { name: 'Verzetten of afzeggen en iedereen laten weten' }).click();
    await page.getByText('Schrijf op waarom het overleg verandert').first().waitFor();
    await check(page, null, 'a meeting\'s move form with its message');
  });

  await as('deskundige', async (page) => {
    assert.ok(page.url().endsWith('/vandaag'), page.url());
    await check(page, null, 'the expert\'s start page');
    await section(page, 'Adviesvragen').getByRole('link', { name: 'Lotte Voorbeeld' }).first().click();
    await page.waitForURL(/\/adviezen\/\d+$/);
    await check(page, null, 'the advice form');
  });

  for (const who of ['ouderadviseur', 'beheerder']) {
    await as(who, async (page) => {
      assert.ok(page.url().endsWith('/vandaag'), page.url());
      await check(page, null, `the ${who}'s start page`);
    });
  }
});
