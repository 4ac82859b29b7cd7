// The map's background comes through the site's own tile proxy: the browser asks no other
// server, and when the tile server cannot be reached the map folds away quietly (no console
// error) and the list, which holds the same results, stays.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { axeViolations, useSite } from './browser.mjs';

const PNG = readFileSync(new URL('../node_modules/leaflet/dist/images/layers.png', import.meta.url));
let asked = 0;
const tileServer = createServer((request, response) => {
  asked += 1;
  response.writeHead(200, { 'content-type': 'image/png' });
  response.end(PNG);
});
await new Promise((resolve) => tileServer.listen(0, '127.0.0.1', resolve));
after(() => tileServer.close());

const working = useSite([], { PASSEND_MAP_TILES: `http://127.0.0.1:${tileServer.address().port}/{z}/{x}/{y}.png` });
// Port 1 on loopback: the connection is refused at once.
const failing = useSite([], { PASSEND_MAP_TILES: 'http://127.0.0.1:1/{z}/{x}/{y}.png' });

test('tiles load through the site, and the browser asks no other server', async () => {
  const { context, page, problems } = await working.newPage();
  await page.goto(working.server.url + '/kaart?soort=so');
  await page.waitForSelector('#kaart-map img.leaflet-tile-loaded');
  const sources = await page.locator('#kaart-map img.leaflet-tile').evaluateAll((imgs) => imgs.map((i) => i.src));
  assert.ok(sources.length > 0);
  for (const src of sources) assert.ok(src.startsWith(working.server.url + '/kaart/tegels/'), src);
  assert.ok(asked > 0, 'the tile server was asked by Passend');
  assert.ok(await page.locator('#kaart-map').isVisible());
  assert.equal(await page.locator('#kaart-niet-beschikbaar').isVisible(), false);
  assert.deepEqual(problems, [], 'no console errors, CSP violations or third-party requests');
  await context.close();
});

test('a tile server that cannot be reached folds the map away without an error, the list stays', async () => {
  for (const width of [1280, 375]) {
    const { context, page, problems } = await failing.newPage({ viewport: { width, height: 800 } });
    await page.goto(failing.server.url + '/kaart?postcode=1315&soort=so');
    await page.waitForSelector('#kaart-niet-beschikbaar', { state: 'visible' });
    assert.equal(await page.locator('#kaart-map').isVisible(), false, 'the map is folded away');
    assert.equal(await page.locator('#kaart-legenda').isVisible(), false, 'and its legend');
    assert.ok((await page.locator('.passend-result').count()) > 0, 'the list holds the results');
    assert.deepEqual(await axeViolations(page), [], `axe at ${width} px`);
    assert.deepEqual(problems, [], `no console errors at ${width} px`);
    await context.close();
  }
});
