// Benchmark of the casework pages (started by scripts/bench-casework, which builds the release
// binary and sets PASSEND_BIN and DATABASE_URL). A demo server gets N pupils with a submitted TLV
// request each (through the real forms), of which some are decided with their letter; the first
// pupil's parent (the demo parent) is invited to the portal and gives a view on the shared
// concept, so the portal pages are measured too. Then every
// page is asked R times and the server's own time (`Server-Timing: app;dur=`) is reported as
// median and p99, with the page's size. Prints a Markdown table. Not a test.
import { startServer } from '../e2e/server.mjs';

const N = Number(process.env.BENCH_PUPILS || 300);
const DECIDED = Number(process.env.BENCH_DECIDED || 20);
const R = Number(process.env.BENCH_REPEAT || 200);

class Client {
  constructor(base) { this.base = base; this.cookies = new Map(); this.csrf = ''; }
  async req(method, path, body, type) {
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'sec-fetch-site': 'same-origin' };
    if (type) headers['content-type'] = type;
    const r = await fetch(this.base + path, { method, redirect: 'manual', headers, body });
    for (const c of r.headers.getSetCookie()) {
      const pair = c.split(';')[0];
      const i = pair.indexOf('=');
      if (c.includes('Max-Age=0')) this.cookies.delete(pair.slice(0, i)); else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const bytes = Buffer.from(await r.arrayBuffer());
    const text = bytes.toString('utf8');
    const m = text.match(/name="_csrf" value="([0-9a-f]+)"/);
    if (m) this.csrf = m[1];
    const t = (r.headers.get('server-timing') || '').match(/app;dur=([0-9.]+)/);
    return { status: r.status, location: r.headers.get('location') || '', text, size: bytes.length, ms: t ? Number(t[1]) : NaN };
  }
  get(path) { return this.req('GET', path); }
  post(path, pairs) {
    const body = new URLSearchParams([['_csrf', this.csrf], ...pairs]).toString();
    return this.req('POST', path, body, 'application/x-www-form-urlencoded');
  }
  async upload(path, pairs, name, bytes) {
    const form = new FormData();
    form.append('_csrf', this.csrf);
    for (const [k, v] of pairs) form.append(k, v);
    form.append('bestand', new Blob([bytes]), name);
    const r = new Request('http://x', { method: 'POST', body: form });
    return this.req('POST', path, Buffer.from(await r.arrayBuffer()), r.headers.get('content-type'));
  }
  async signIn(who) {
    await this.get('/inloggen');
    let r = await this.post('/inloggen', [['email', `${who}@demo.passend.invalid`], ['wachtwoord', 'demo passend almere']]);
    if (r.location.startsWith('/inloggen/code')) {
      const page = await this.get('/inloggen/code');
      const code = page.text.match(/id="demo-code">(\d+)</)[1];
      r = await this.post('/inloggen/code', [['code', code]]);
    }
    if (r.status !== 303) throw new Error(`sign-in of ${who} failed: ${r.status}`);
    await this.get('/account');
  }
}

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const pdf = Buffer.from('%PDF-1.4\n% bench\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const server = await startServer(['--demo'], { PASSEND_SERVER_TIMING: '1' });
try {
  const school = new Client(server.url);
  const swv = new Client(server.url);
  const parent = new Client(server.url);
  const experts = [new Client(server.url), new Client(server.url)];
  await school.signIn('school');
  await swv.signIn('toeleider');
  await experts[0].signIn('deskundige');
  await experts[1].signIn('arts');
  const form = await school.get('/leerlingen/nieuw');
  const location = form.text.match(/<option value="(\d+)"/)[1];
  const requests = [];
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    // The first pupil's parent is the demo parent, invited to the portal, who gets the concept.
    const email = i === 0 ? 'ouder@demo.passend.invalid' : `ouder${i}@example.nl`;
    let r = await school.post('/leerlingen/nieuw', [['locatie', location], ['voornaam', `Kind${i}`], ['achternaam', `Bench${i}`],
      ['geboortedatum', day(-3000)], ['groep', '5'], ['ouder1-naam', 'Ouder Bench'], ['ouder1-relatie', 'ouder'], ['ouder1-gezag', 'ja'], ['ouder1-email', email]]);
    const pupil = r.location.match(/\/leerlingen\/(\d+)/)[1];
    if (i === 0) {
      await school.get(`/leerlingen/${pupil}`);
      await school.post(`/leerlingen/${pupil}/ouders/1/uitnodigen`, [['email', email]]);
    }
    await school.get(`/leerlingen/${pupil}/aanvragen/nieuw`);
    r = await school.post(`/leerlingen/${pupil}/aanvragen/nieuw`, [['soort', 'tlv-so-laag'], ['vraag', 'Een vraag voor de benchmark.']]);
    const request = r.location.match(/\/aanvragen\/(\d+)/)[1];
    if (i === 0) {
      const concept = await school.get(`/aanvragen/${request}`);
      const v = concept.text.match(/name="versie" value="(\d+)"/)[1];
      r = await school.post(`/aanvragen/${request}/delen`, [['versie', v], ['reageren-voor', day(14)]]);
      if (!r.location.includes('gedaan=gedeeld')) throw new Error('the concept was not shared');
      await parent.signIn('ouder');
      const tracker = await parent.get(`/ouders/aanvragen/${request}`);
      const share = tracker.text.match(/name="deel" value="(\d+)"/)[1];
      await parent.post(`/ouders/aanvragen/${request}/gelezen`, [['deel', share]]);
      await parent.upload(`/ouders/aanvragen/${request}/zienswijze`, [['deel', share], ['mening', 'eens'], ['tekst', 'Wij zijn het eens.']], 'leeg.pdf', pdf);
    }
    for (const [kind, title] of [['groeidocument', 'Groeidocument'], ['opp', 'OPP']]) {
      await school.upload(`/leerlingen/${pupil}/documenten`, [['soort', kind], ['titel', title], ['aanvraag', request]], `${kind}.pdf`, pdf);
    }
    const page = await school.get(`/aanvragen/${request}`);
    const version = page.text.match(/name="versie" value="(\d+)"/)[1];
    await school.post(`/aanvragen/${request}`, [['versie', version], ['vraag', 'Een vraag voor de benchmark.'], ['zienswijze', 'eens'],
      ['zienswijze-tekst', 'Eens.'], ['zienswijze-datum', day(-1)], ['tlo-datum', day(-1)], ['tlo-aanwezig', 'ouders, school']]);
    r = await school.post(`/aanvragen/${request}/indienen`, []);
    if (!r.location.includes('gedaan=ingediend')) throw new Error(`request ${request} not submitted`);
    requests.push({ pupil, request });
  }
  const filled = (Date.now() - started) / 1000;
  // Zorgplicht: every pupil an aanmelding, every third a thuiszitter; the Oudersteunpunt N cases.
  const aanmeldingen = [];
  for (const [i, { pupil }] of requests.entries()) {
    const r = await school.post(`/leerlingen/${pupil}/aanmelding`, [['ontvangen', day(-10 - (i % 80))], ['start', day(60)], ['voorkeur', 'ja'],
      ['ondersteuning', 'Hulp bij lezen.']]);
    if (r.status !== 303) throw new Error(`aanmelding for ${pupil}: ${r.status}`);
    aanmeldingen.push(r.location.match(/\/aanmeldingen\/(\d+)/)[1]);
    if (i % 3 === 0) {
      const t = await school.post(`/leerlingen/${pupil}/thuiszitten`, [['soort', 'langdurig-relatief-verzuim'], ['sinds', day(-40 - (i % 100))],
        ['acties', 'Gesprek met ouders.'], ['leerplicht', 'Leerplicht Almere']]);
      if (t.status !== 303) throw new Error(`thuiszitter for ${pupil}: ${t.status}`);
    }
  }
  const adviser = new Client(server.url);
  await adviser.signIn('ouderadviseur');
  let caseUrl = '';
  for (let i = 0; i < N; i++) {
    const r = await adviser.post('/steunpunt/nieuw', [['kanaal', 'telefoon'], ['categorie', 'vraag'], ['onderwerp', ['tlv', 'thuiszitten', 'ondersteuning'][i % 3]],
      ['naam', `Ouder ${i}`], ['telefoon', '0612345678'], ['bericht', 'Een vraag voor de benchmark.']]);
    if (r.status !== 303) throw new Error(`case ${i}: ${r.status}`);
    caseUrl = r.location.split('?')[0];
  }
  const letters = [];
  for (const { request } of requests.slice(0, DECIDED)) {
    const taken = await swv.get(`/aanvragen/${request}`);
    const contact = taken.text.match(/id="contact" name="contact"[^>]*>\s*<option value="(\d+)"/)[1];
    await swv.post(`/aanvragen/${request}/toewijzen`, [['contact', contact]]);
    const experts_on_page = (await swv.get(`/aanvragen/${request}`)).text;
    const ids = [...experts_on_page.matchAll(/<option value="(\d+)">(Dirk Deskundige|Anna Arts)<\/option>/g)].map((m) => m[1]);
    for (const id of ids) await swv.post(`/aanvragen/${request}/adviesvraag`, [['deskundige', id], ['advies-datum', day(14)], ['advies-vraag', 'Toelaatbaar?']]);
    for (const [i, profession] of [[0, 'orthopedagoog'], [1, 'arts']]) {
      const list = await experts[i].get('/adviezen');
      const found = [...list.text.matchAll(/href="\/adviezen\/(\d+)">[^<]*<\/a> <span class="passend-muted">\(aanvraag (\d+)\)/g)].find((m) => m[2] === request);
      if (!found) throw new Error(`no advice for request ${request} on the expert's list`);
      const advice = found[1];
      await experts[i].get(`/adviezen/${advice}`);
      await experts[i].post(`/adviezen/${advice}`, [['beroep', profession], ['conclusie', 'toelaatbaar'], ['advies', `Het advies van de ${profession}, met onderbouwing, voor de benchmark.`], ['onafhankelijk', 'ja']]);
    }
    await swv.get(`/aanvragen/${request}`);
    const t0 = performance.now();
    const r = await swv.post(`/aanvragen/${request}/besluit`, [['uitkomst', 'ja'], ['categorie', 'laag'], ['start', day(0)], ['geen-einde', 'ja'], ['motivering', 'Motivering voor de benchmark.']]);
    letters.push(performance.now() - t0);
    if (!r.location.includes('gedaan=besluit')) throw new Error(`request ${request} not decided: ${r.status} ${r.location}`);
  }
  const { pupil, request } = requests[0];
  const pages = [
    ['school', school, '/leerlingen'],
    ['school', school, `/leerlingen/${pupil}`],
    ['school', school, `/aanvragen/${request}`],
    ['toeleider', swv, '/swv/aanvragen'],
    ['toeleider', swv, `/aanvragen/${request}`],
    ['toeleider', swv, '/swv/tlv'],
    ['toeleider', swv, '/swv/tlv.csv'],
    ['ouder', parent, '/ouders'],
    ['ouder', parent, `/ouders/kinderen/${pupil}`],
    ['ouder', parent, `/ouders/aanvragen/${request}`],
    ['school', school, '/school/zorgplicht'],
    ['school', school, `/aanmeldingen/${aanmeldingen[0]}`],
    ['toeleider', swv, '/swv/zorgplicht'],
    ['toeleider', swv, '/swv/thuiszitters'],
    ['toeleider', swv, '/swv/thuiszitters/inspectie.csv'],
    ['toeleider', swv, '/swv/thuiszitters/inspectie.xlsx'],
    ['ouderadviseur', adviser, '/steunpunt'],
    ['ouderadviseur', adviser, caseUrl],
    ['ouderadviseur', adviser, '/steunpunt/signalering'],
    ['anyone', new Client(server.url), '/oudersteunpunt/contact'],
  ];
  console.log(`${N} pupils with a submitted TLV request filled in through the forms in ${filled.toFixed(1)} s; ${DECIDED} decided; each pupil an aanmelding, every third a thuiszitter; ${N} Oudersteunpunt cases.\n`);
  console.log('| page | as | size | server time, median | p99 |');
  console.log('|---|---|---|---|---|');
  for (const [who, client, path] of pages) {
    const times = [];
    let size = 0;
    for (let i = 0; i < R; i++) {
      const r = await client.get(path);
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      times.push(r.ms);
      size = r.size;
    }
    times.sort((a, b) => a - b);
    const pick = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
    console.log(`| \`${path.replace(/\d+/g, '{id}')}\` | ${who} | ${(size / 1024).toFixed(1)} KiB | ${pick(50).toFixed(2)} ms | ${pick(99).toFixed(2)} ms |`);
  }
  letters.sort((a, b) => a - b);
  console.log(`| decision with its PDF letter (POST, wall time) | toeleider | – | ${letters[Math.floor(letters.length / 2)].toFixed(1)} ms | ${letters[letters.length - 1].toFixed(1)} ms (max of ${letters.length}) |`);
} finally {
  await server.stop();
}
