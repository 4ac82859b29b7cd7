// Browser tests of the public site in headless Debian chromium: zero axe-core WCAG 2.2 A/AA
// violations on every page in nl and en, nothing scrolls sideways at 320 px, the menu and the
// begrippenlijst search work by keyboard alone, and the search works with JavaScript off.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { axeViolations, useSite } from './browser.mjs';
const SLUGS = [
  'home', 'samenwerkingsverband', 'samenwerken', 'toelaatbaarheidsverklaring', 'zorgplicht',
  'zieke-leerlingen', 'rol-van-ouders', 'oudersteunpunt', 'meer-informatie', 'toegankelijkheid',
  'privacy', 'begrippen', 'wat-kan-ik-doen', 'wat-kan-ik-doen?stap=zorg', 'wat-kan-ik-doen?huidige=zorg',
  'wat-kan-ik-doen?stap=meer', 'cijfers',
];
const path = (lang, slug) => `${lang === 'en' ? '/en' : ''}/${slug === 'home' ? '' : slug}`;

// The national files, so the figures page shows its charts and tables (imported before the
// server starts, into the same database).
before(() => {
  const national = (f) => new URL(`../seed/national/${f}`, import.meta.url).pathname;
  execFileSync(process.env.PASSEND_BIN || 'target/debug/passend', ['import', 'duo',
    national('regio_indeling_swv_pc4_BWBR0032324_2015-04-23.csv'),
    national('edugis_scholen_20241122_nl.csv'),
    national('06.-historisch-overzicht-aantal-leerlingen-per-schoolvestiging.csv')], { stdio: 'ignore' });
});

const site = useSite();
const newPage = (options) => site.newPage(options);

for (const lang of ['nl', 'en']) {
  test(`every ${lang} page: zero axe violations at desktop and 320 px, no sideways scrolling`, async () => {
    const { context, page, problems } = await newPage({ viewport: { width: 1280, height: 900 } });
    for (const slug of SLUGS) {
      const p = path(lang, slug);
      const response = await page.goto(site.server.url + p);
      assert.equal(response.status(), 200, p);
      if (slug === 'cijfers') assert.equal(await page.locator('svg.passend-chart').count(), 2, `${p} has its charts`);
      assert.deepEqual(await axeViolations(page), [], `${p} at 1280 px`);
      await page.setViewportSize({ width: 320, height: 800 });
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(widths.scroll <= widths.client, `${p} scrolls sideways at 320 px: ${JSON.stringify(widths)}`);
      assert.deepEqual(await axeViolations(page), [], `${p} at 320 px`);
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    assert.deepEqual(problems, [], 'no console errors, CSP violations or third-party requests');
    await context.close();
  });
}

test('error page: zero axe violations', async () => {
  const { context, page } = await newPage();
  const response = await page.goto(site.server.url + '/bestaat-niet');
  assert.equal(response.status(), 404);
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});

async function tabTo(page, predicate, max = 40) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return;
  }
  throw new Error('element not reached by keyboard');
}

test('skip link and main menu work by keyboard alone', async () => {
  const { context, page } = await newPage();
  await page.goto(site.server.url + '/');
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({ text: document.activeElement.textContent, href: document.activeElement.getAttribute('href') }));
  assert.deepEqual(first, { text: 'Direct naar de inhoud', href: '#inhoud' });
  const skipVisible = await page.evaluate(() => document.activeElement.getBoundingClientRect().top >= 0);
  assert.ok(skipVisible, 'the skip link is visible when focused');
  await page.keyboard.press('Enter');
  assert.ok(page.url().endsWith('#inhoud'));

  await page.goto(site.server.url + '/');
  await tabTo(page, () => document.activeElement.closest('nav') && document.activeElement.textContent === 'Zorgplicht');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await page.keyboard.press('Enter');
  await page.waitForURL(site.server.url + '/zorgplicht');
  assert.equal(await page.locator('h1').textContent(), 'Zorgplicht: de school zoekt een passende plek');
  assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Zorgplicht');

  await tabTo(page, () => document.activeElement.getAttribute('hreflang') === 'en');
  await page.keyboard.press('Enter');
  await page.waitForURL(site.server.url + '/en/zorgplicht');
  await context.close();
});

for (const javaScriptEnabled of [true, false]) {
  test(`glossary search by keyboard, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
    const { context, page } = await newPage({ javaScriptEnabled });
    await page.goto(site.server.url + '/begrippen');
    const total = await page.locator('dt').count();
    assert.ok(total >= 50, `${total} terms`);
    await tabTo(page, () => document.activeElement.id === 'q');
    await page.keyboard.type('tlv');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/begrippen\?q=tlv$/);
    assert.equal(await page.inputValue('#q'), 'tlv', 'the search stays in the field');
    const found = await page.locator('dt').count();
    assert.ok(found >= 1 && found < total, `${found} of ${total}`);
    assert.equal(await page.locator('dt').first().getAttribute('id'), 'tlv');
    assert.match(await page.locator('[role="status"]').textContent(), /gevonden voor ‘tlv’/);
    if (javaScriptEnabled) assert.deepEqual(await axeViolations(page), [], 'search results page');
    await context.close();
  });
}

test('a term link leads to its definition', async () => {
  const { context, page } = await newPage();
  await page.goto(site.server.url + '/zorgplicht');
  const link = page.locator('main a.passend-term[href="/begrippen#zorgplicht"]');
  assert.equal(await link.count(), 1);
  await link.click();
  await page.waitForURL(site.server.url + '/begrippen#zorgplicht');
  const targeted = await page.evaluate(() => document.querySelector(':target')?.id);
  assert.equal(targeted, 'zorgplicht');
  await context.close();
});

test('the axe check itself sees a planted violation (so the checks above can fail)', async () => {
  const { context, page } = await newPage();
  await page.goto(site.server.url + '/');
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.src = '/static/favicon.svg';
    document.querySelector('main').append(img);
  });
  const violations = await axeViolations(page);
  assert.ok(violations.some((v) => v.startsWith('image-alt')), JSON.stringify(violations));
  await context.close();
});

test('"wat kan ik doen?" by keyboard alone, without JavaScript', async () => {
  const { context, page } = await newPage({ javaScriptEnabled: false });
  await page.goto(site.server.url + '/');
  await page.click('a[href="/wat-kan-ik-doen"]');
  await page.check('#antwoord-0');
  await page.keyboard.press('Enter');
  await page.waitForURL(/stap=zorg/);
  await page.click('button[type="submit"]');
  await page.waitForURL(/huidige=zorg/);
  assert.match(await page.locator('.passend-error-summary').textContent(), /Kies een antwoord/);
  await page.check('#antwoord-1');
  await page.click('button[type="submit"]');
  await page.waitForURL(/stap=plan/);
  await page.check('#antwoord-1');
  await page.click('button[type="submit"]');
  await page.waitForURL(/stap=meer/);
  assert.ok(await page.locator('main a[href="/toelaatbaarheidsverklaring"]').isVisible(), 'ends on the page that explains the next step');
  await context.close();
});

