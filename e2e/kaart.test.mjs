// Browser tests of the voorzieningenkaart: zero axe violations on the list with the map and on
// detail pages (nl and en), nothing scrolls sideways at 320 px, the map shows exactly the list's
// results, every filter works by keyboard, the back button restores the search, and the list
// works with JavaScript off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, useSite } from './browser.mjs';

const site = useSite();
const newPage = (options) => site.newPage(options);

async function mapReady(page) {
  await page.waitForFunction(() => document.getElementById('kaart-map')?.getAttribute('data-features') !== null);
  return page.getAttribute('#kaart-map', 'data-features');
}

for (const path of ['/kaart', '/en/kaart', '/kaart?thema=gedrag&postcode=1315&straal=3', '/kaart?postcode=abc', '/kaart/23HU01', '/en/kaart/23FD01']) {
  test(`${path}: zero axe violations at 1280 and 320 px, no sideways scrolling`, async () => {
    const { context, page, problems } = await newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(site.server.url + path);
    assert.equal(response.status(), 200);
    if (path.startsWith('/kaart?') || path.endsWith('/kaart')) await mapReady(page);
    assert.deepEqual(await axeViolations(page), [], `${path} at 1280 px`);
    await page.setViewportSize({ width: 320, height: 800 });
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(widths.scroll <= widths.client, `${path} scrolls sideways at 320 px: ${JSON.stringify(widths)}`);
    assert.deepEqual(await axeViolations(page), [], `${path} at 320 px`);
    assert.deepEqual(problems, [], 'no console errors, CSP violations or third-party requests');
    await context.close();
  });
}

test('the map shows exactly the results of the list', async () => {
  const { context, page } = await newPage();
  await page.goto(site.server.url + '/kaart?thema=gedrag&postcode=1315&straal=3');
  const features = Number(await mapReady(page));
  const listed = await page.locator('.passend-result').count();
  assert.ok(listed > 0);
  assert.equal(features, listed, 'same number of places on the map as in the list');
  assert.ok(await page.locator('#kaart-map').isVisible(), 'the map is shown with JavaScript on');
  await context.close();
});

test('filters work by keyboard alone and the back button restores the search', async () => {
  const { context, page } = await newPage();
  await page.goto(site.server.url + '/kaart');
  await mapReady(page);
  const tabTo = async (predicate) => {
    for (let i = 0; i < 80; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(predicate)) return;
    }
    throw new Error('not reached by keyboard');
  };
  await tabTo(() => document.activeElement.id === 'postcode');
  await page.keyboard.type('1315');
  await tabTo(() => document.activeElement.id === 'straal');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#straal'), '3');
  await tabTo(() => document.activeElement.id === 'soort-sbo');
  await page.keyboard.press('Space');
  // The other filters are folded away; Enter on the fold opens it.
  await tabTo(() => document.activeElement.tagName === 'SUMMARY');
  await page.keyboard.press('Enter');
  await tabTo(() => document.activeElement.id === 'thema-gedrag');
  await page.keyboard.press('Space');
  await tabTo(() => document.activeElement.id === 'denominatie');
  await tabTo(() => document.activeElement.type === 'submit' && document.activeElement.closest('#kaart-zoeken'));
  await page.keyboard.press('Enter');
  await page.waitForURL(/soort=sbo/);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('postcode'), '1315');
  assert.equal(url.searchParams.get('straal'), '3');
  assert.equal(url.searchParams.get('thema'), 'gedrag');
  assert.match(await page.locator('#resultaten-kop').textContent(), /locaties?, gesorteerd op afstand/);
  assert.ok(await page.isChecked('#soort-sbo'), 'the filters stay set');

  await page.goto(site.server.url + '/kaart?soort=bo');
  await page.goBack();
  await page.waitForURL(/soort=sbo/);
  assert.ok(await page.isChecked('#soort-sbo'), 'back restores the search from the URL');
  await context.close();
});

test('the list works with JavaScript off, and the map stays away', async () => {
  const { context, page } = await newPage({ javaScriptEnabled: false });
  await page.goto(site.server.url + '/kaart');
  await page.check('#soort-so');
  await page.click('#kaart-zoeken button[type="submit"]');
  await page.waitForURL(/soort=so/);
  assert.match(await page.locator('#resultaten-kop').textContent(), /^6 locaties/);
  assert.equal(await page.locator('#kaart-map').isVisible(), false);
  assert.equal(await page.locator('#gebruik-locatie').isVisible(), false, 'no location button without JavaScript');
  await context.close();
});

test('"gebruik mijn locatie" sorts by distance from where the visitor is', async () => {
  const { context, page } = await newPage({ geolocation: { latitude: 52.3702, longitude: 5.2141 }, permissions: ['geolocation'] });
  await page.goto(site.server.url + '/kaart?soort=sbo');
  await mapReady(page);
  const button = page.locator('#gebruik-locatie');
  assert.ok(await button.isVisible(), 'the button shows with JavaScript');
  await button.click();
  await page.waitForURL(/lat=52\.37020&lon=5\.21410/);
  assert.match(await page.locator('#resultaten-kop').textContent(), /^3 locaties, gesorteerd op afstand/);
  assert.match(await page.locator('.passend-result__meta').first().textContent(), /Afstand: \d/);
  await context.close();
});

test('a parent finds De Bongerd from the home page, at 1280 and at 375 px', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 667 }]) {
    const { context, page, problems } = await newPage({ viewport });
    await page.goto(site.server.url + '/');
    await page.fill('#zoek-postcode', '1315');
    await page.selectOption('#zoek-soort', 'so');
    await page.click('.passend-find button[type="submit"]');
    await page.waitForURL(/\/kaart\?postcode=1315&soort=so/);
    await mapReady(page);
    await page.click('.passend-more-filters summary');
    await page.check('#thema-gedrag');
    await page.click('#kaart-zoeken button[type="submit"]');
    await page.waitForURL(/thema=gedrag/);
    await mapReady(page);
    const names = await page.locator('.passend-result__name').allTextContents();
    assert.ok(names.some((n) => n.includes('De Bongerd')), `De Bongerd is found for gedrag: ${names.join(' | ')}`);
    assert.ok(await page.locator('.passend-marker--origin').count() > 0, 'a marker for the postcode');
    assert.deepEqual(await axeViolations(page), [], `axe with the map running at ${viewport.width} px`);
    await page.locator('.passend-result__name a', { hasText: 'De Bongerd' }).click();
    await page.waitForURL(/\/kaart\/30EF03/);
    assert.ok(await page.locator('a[href="tel:0365491919"]').isVisible(), 'a phone number');
    assert.ok(await page.locator('a[href="https://www.almere-speciaal.nl"]').isVisible(), 'a website');
    assert.deepEqual(problems, [], 'no console errors, CSP violations or third-party requests');
    await context.close();
  }
});

test('after a search the results start on the first screen at 375 px', async () => {
  const { context, page } = await newPage({ viewport: { width: 375, height: 667 } });
  await page.goto(site.server.url + '/kaart?postcode=1315&soort=so&thema=gedrag');
  await mapReady(page);
  const top = await page.evaluate(() => {
    const first = document.querySelector('.passend-result');
    return first.getBoundingClientRect().top + window.scrollY;
  });
  assert.ok(top < 667, `the first result starts at ${top} px`);
  await context.close();
});

