// Shared browser helpers: Debian chromium through playwright-core, axe-core injected without
// loosening the site's CSP, and a page that records console errors and third-party requests.
import { readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const AXE = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export async function openPage(browser, server, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith(server.url)) problems.push(`third-party request: ${r.url()}`); });
  return { context, page, problems };
}

export async function axeViolations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  }, WCAG_TAGS);
}

// One server and one browser per test file, started before its tests and stopped after.
export function useSite(serverArgs = [], serverEnv = {}) {
  const site = {};
  before(async () => {
    site.server = await startServer(serverArgs, serverEnv);
    site.browser = await launchBrowser();
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.stop();
  });
  site.newPage = (options) => openPage(site.browser, site.server, options);
  return site;
}

// Demo accounts (the server runs with --demo): sign in, with the demo code for staff.
// A day in the Netherlands as YYYY-MM-DD, `offsetDays` from today. The server counts Dutch days;
// between 23:00 and 01:00 UTC the UTC date is another day.
export function dutchDay(offsetDays = 0) {
  const at = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Amsterdam' }).format(at);
}

export const DEMO_PASSWORD = 'demo passend almere';

export async function signInDemo(page, site, who) {
  await page.goto(site.server.url + '/inloggen');
  await page.getByLabel('E-mailadres').fill(`${who}@demo.passend.invalid`);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  if (page.url().endsWith('/inloggen/code')) {
    // A code works once: right after an earlier sign-in the demo shows none until the next
    // 30-second step.
    for (let i = 0; i < 3 && (await page.locator('#demo-code').count()) === 0; i++) {
      await page.waitForTimeout(31000);
      await page.reload();
    }
    const code = (await page.locator('#demo-code').textContent()).trim();
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verder' }).click();
  }
  // Staff land on their start page "Vandaag", parents on their portal.
  await page.getByRole('heading', { name: /^(Vandaag|Mijn kinderen)$/ }).waitFor();
}

// Zero axe violations at 1280 and 320 px, and nothing scrolls sideways at 320 px. With a path,
// goes there first (and expects no error status).
export async function checkPage(page, site, path, what) {
  if (path) {
    const response = await page.goto(site.server.url + path);
    if (response.status() >= 400) throw new Error(`${path}: ${response.status()}`);
  }
  const violations = await axeViolations(page);
  if (violations.length) throw new Error(`${what} at 1280 px: ${violations.join('; ')}`);
  await page.setViewportSize({ width: 320, height: 800 });
  const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  if (w.scroll > w.client) throw new Error(`${what} scrolls sideways at 320 px: ${JSON.stringify(w)}`);
  const narrow = await axeViolations(page);
  if (narrow.length) throw new Error(`${what} at 320 px: ${narrow.join('; ')}`);
  await page.setViewportSize({ width: 1280, height: 900 });
}
