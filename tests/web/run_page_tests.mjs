#!/usr/bin/env node
// Browser tests of the web page: a real Chromium (Debian's /usr/bin/chromium)
// driven by playwright-core against the real sofdir-server with the demo data.
//
//   node tests/web/run_page_tests.mjs <sofdir-server> <demo-directory.jsonl> [artifact-dir]
//
// Starts the server itself (temp data dir, free ports, an auth config with a
// reader, two bookers, an editor of one unit and an admin; anonymous search
// on), runs the scenarios, stops it. Exit 0 = all passed, 1 = a failure,
// 77 = the browser or the npm packages are missing (run `make test-deps`).
// Screenshots at 1280 and 390 px go to the artifact dir (default
// ./web-artifacts). Prints the page weight and the keystroke-to-results median.

import {spawn} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const SKIP = 77;
const here = path.dirname(fileURLToPath(import.meta.url));
const [serverBin, demoData, artifactArg] = process.argv.slice(2);
if (!serverBin || !demoData) {
  console.error('usage: run_page_tests.mjs <sofdir-server> <demo-data.jsonl> [artifact-dir]');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM) || !fs.existsSync(path.join(here, 'node_modules', 'playwright-core'))) {
  console.error(`SKIP: ${CHROMIUM} or tests/web/node_modules is missing; ` +
    'install them with the README\'s test command (`make test`, which runs deploy/install-test-deps.sh)');
  process.exit(SKIP);
}
const {chromium} = await import('playwright-core');
const AXE_SOURCE = fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const artifacts = path.resolve(artifactArg || 'web-artifacts');
fs.mkdirSync(artifacts, {recursive: true});

// ---------------------------------------------------------------- fixtures
const TOKENS = {
  reader: {token: 'tok-reader-7f3a-0123456789', principal: 'laeser@sof.example.dk', roles: ['reader']},
  booker: {token: 'tok-booker-91c2-0123456789', principal: 'anna.booker@sof.example.dk', roles: ['booker']},
  booker2: {token: 'tok-booker-55d0-0123456789', principal: 'bo.kollega@sof.example.dk', roles: ['booker']},
  editor: {token: 'tok-editor-2b8e-0123456789', principal: 'redaktoer@sof.example.dk', roles: ['editor', 'reader'],
    units: []},
  admin: {token: 'tok-admin-c4d1-0123456789', principal: 'admin@sof.example.dk', roles: ['admin']},
};

const records = fs.readFileSync(demoData, 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const units = new Map(records.filter((r) => r.kind === 'unit').map((r) => [r.id, r]));
const tilbudOf = (u) => records.filter((r) => r.kind === 'tilbud' && r.unit_id === u);
const personsOf = (u) => records.filter((r) => r.kind === 'person' && r.unit_id === u);
// A unit below another with tilbud and persons: the record-page scenario.
const richUnit = [...units.values()].find((u) => u.parent_id && tilbudOf(u.id).length && personsOf(u.id).length);
const editTilbud = tilbudOf(richUnit.id)[0];
TOKENS.editor.units = [richUnit.id];
// The slots come from the server (the demo loader moves slot dates to
// upcoming ones): set after start-up.
let oneSeat;
let twoSeats;
async function pickSlots() {
  const {json} = await apiAs('admin', 'GET', '/v1/praktik?pageSize=500');
  const slots = (json.offers || []).flatMap((v) => (v.slots || [])
    .map((s) => ({offer: v.offer, slot: {start: s.start, seats: s.seats}})));
  oneSeat = slots.find((x) => x.slot.seats === 1);
  twoSeats = slots.find((x) => x.slot.seats === 2 && x.offer.id !== oneSeat.offer.id);
  check(oneSeat && twoSeats, 'the demo data has praktik slots with one and with two seats');
}

const DEV_QUERIES = ['misbrugsbehanling unge nørrebro', 'bosted for unge med autisme', 'vaerested amager',
  'sel107 psykisk syge amager', '§85 bostotte osterbro', 'kvindekrisecenter ledig plads', 'hjemmeplje valby',
  'kfd', 'hvem kan fit', 'hvem arbejder med relationel koordinering', 'praktik hjemmepleje',
  'praktik som sagsbehandler på børneområdet', 'samarbejde om skolefravær', 'ssp',
  'herbergsplads ung hjemløs', 'aflastning boern med handicap', 'dagtilbud udviklingshæmmede brønshøj',
  'voksen med add raadgivning', 'familiebehandling tosprogede', 'anonym raadgivning hash'];

// ------------------------------------------------------------------ server
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sofdir-web-'));
const authPath = path.join(tmp, 'auth.json');
fs.writeFileSync(authPath, JSON.stringify({
  tokens: Object.values(TOKENS).map((t) => ({token: t.token, principal: t.principal, roles: t.roles,
    units: t.units || []})),
  anonymous_search: true,
}));
const httpPort = await freePort();
// WEB_TEST_BASE: run against a server already running there (development;
// it must use an auth config with the tokens above).
const BASE = process.env.WEB_TEST_BASE || `http://127.0.0.1:${httpPort}`;
const serverLog = [];
const server = process.env.WEB_TEST_BASE ? null : spawn(serverBin, ['--data-dir', path.join(tmp, 'data'), '--demo-data', demoData,
  '--auth-config', authPath, '--listen', '127.0.0.1:0', '--http-listen', `127.0.0.1:${httpPort}`],
{stdio: ['ignore', 'pipe', 'pipe']});
let serverExited = false;
if (server) {
  server.stdout.on('data', (d) => serverLog.push(String(d)));
  server.stderr.on('data', (d) => serverLog.push(String(d)));
  server.on('exit', () => {
    serverExited = true;
  });
}

async function waitForServer() {
  const deadline = Date.now() + 90000;
  while (Date.now() < deadline) {
    if (serverExited) throw new Error(`sofdir-server exited:\n${serverLog.join('')}`);
    try {
      const r = await fetch(`${BASE}/auth/session`);
      if (r.ok) return;
    } catch (err) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`sofdir-server did not answer on ${BASE}:\n${serverLog.join('')}`);
}

/** The API with a bearer token (no cookie, so no CSRF token needed). */
async function apiAs(who, method, p, body) {
  const r = await fetch(`${BASE}${p}`, {
    method,
    headers: {Authorization: `Bearer ${TOKENS[who].token}`, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return {status: r.status, json: text ? JSON.parse(text) : {}};
}

// ----------------------------------------------------------------- harness
let browser;
const failures = [];
const figures = {};
let shotCounter = 0;

function check(cond, what) {
  if (!cond) throw new Error(`expected: ${what}`);
}

/** A fresh context + page; signs in through the API when `who` is given. */
async function open(who, {width = 1280} = {}) {
  const context = await browser.newContext({viewport: {width, height: 900}, locale: 'da-DK',
    acceptDownloads: true});
  const page = await context.newPage();
  page.problems = [];
  page.on('dialog', async (d) => {
    page.problems.push(`a dialog fired: ${d.type()} ${d.message()}`);
    await d.dismiss();
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const t = m.text();
    if (/Content Security Policy|Refused to/i.test(t)) page.problems.push(`CSP violation: ${t}`);
    else if (m.type() === 'error' && !/Failed to load resource/.test(t)) page.problems.push(`console error: ${t}`);
  });
  if (who) {
    const r = await context.request.post(`${BASE}/auth/session`, {data: {token: TOKENS[who].token}});
    check(r.ok(), `sign-in of ${who} answers 200 (got ${r.status()})`);
  }
  return {context, page};
}

function noProblems(page) {
  check(page.problems.length === 0, `no dialogs, CSP violations or page errors: ${page.problems.join('; ')}`);
}

/** axe-core at 1280 and 390 px, plus a screenshot at each width. */
async function audit(page, label) {
  const original = page.viewportSize();
  for (const width of [1280, 390]) {
    await page.setViewportSize({width, height: 900});
    await page.waitForTimeout(50);
    const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
    // Evaluated through CDP: page.addScriptTag would add an inline <script>,
    // which the page's CSP refuses (and logs as a violation).
    if (!hasAxe) await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(async () => window.axe.run(document, {
      runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    }));
    shotCounter += 1;
    const name = `${String(shotCounter).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-')}-${width}.png`;
    await page.screenshot({path: path.join(artifacts, name), fullPage: true});
    const v = result.violations.map((x) => `${x.id} (${x.nodes.length}: ${x.nodes.slice(0, 2)
      .map((n) => n.target.join(' ')).join(', ')})`);
    check(v.length === 0, `no axe violations on ${label} at ${width}px: ${v.join('; ')}`);
    // Nothing may overflow sideways on a phone.
    if (width === 390) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      check(overflow <= 392, `no horizontal scrolling at 390px on ${label} (scrollWidth ${overflow})`);
    }
  }
  await page.setViewportSize(original);
}

async function resultsFor(page, text) {
  await page.locator('.summary', {hasText: `»${text}«`}).first().waitFor({timeout: 10000});
}

const scenarios = [];
function scenario(name, fn) {
  scenarios.push({name, fn});
}

// --------------------------------------------------------------- scenarios
scenario('page sources: no HTML parsing of text, no page storage, no inline script or style', async () => {
  const webDir = path.join(here, '..', '..', 'web');
  for (const name of fs.readdirSync(webDir)) {
    const text = fs.readFileSync(path.join(webDir, name), 'utf8');
    if (name.endsWith('.js')) {
      for (const bad of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(',
        'new Function', 'localStorage', 'sessionStorage', 'document.cookie']) {
        check(!text.includes(bad), `web/${name} does not use ${bad}`);
      }
    }
    if (name.endsWith('.html')) {
      check(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(text), `web/${name} has no inline <script>`);
      check(!/<style|\sstyle=|\son[a-z]+=/i.test(text), `web/${name} has no inline style or handler`);
      check(/<html lang="da">/.test(text), `web/${name} is lang="da"`);
    }
  }
  const r = await fetch(`${BASE}/post/unit-0001`, {headers: {Accept: 'text/html'}});
  const csp = r.headers.get('content-security-policy') || '';
  check(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), `a strict CSP on the page (${csp})`);
});

scenario('search with a typo, facet click updates the URL, Back restores', async () => {
  const {context, page} = await open(null);
  await page.goto(`${BASE}/`);
  await page.locator('h1').waitFor();
  check(await page.getAttribute('html', 'lang') === 'da', 'html lang="da"');
  await audit(page, 'search-start');
  const box = page.getByRole('combobox', {name: 'Hvad leder du efter?'});
  await box.fill('botilbd');
  await resultsFor(page, 'botilbd');
  const count = await page.locator('.result').count();
  check(count > 0, 'the typo "botilbd" finds results');
  const firstSnippetMarks = await page.locator('.snippet mark').count();
  check(firstSnippetMarks > 0, 'snippets show the matched words in <mark>');
  const facetTitles = await page.locator('.facet h3').allTextContents();
  check(facetTitles.includes('Type') && facetTitles.includes('Bydel') && facetTitles.includes('Område'),
    `facets Type, Område, Bydel (got ${facetTitles.join(', ')})`);
  await audit(page, 'search-results');
  const summaryBefore = await page.locator('.summary').textContent();
  const urlBefore = page.url();
  // Click the district facet with the most results.
  const facet = page.locator('.facet', {has: page.locator('h3', {hasText: /^Bydel$/})}).locator('a').first();
  const facetText = (await facet.textContent()).replace(/^[☐☑]\s*Filtrér på\s*/, '');
  const district = facetText.replace(/\s*\(\d+\)$/, '');
  const n = Number(/\((\d+)\)$/.exec(facetText)[1]);
  await facet.click();
  await page.waitForURL(/bydel=/);
  check(new URL(page.url()).searchParams.get('bydel') === district, `URL holds bydel=${district}`);
  await page.locator('.summary', {hasText: `${n} resultat`}).waitFor();
  const metas = await page.locator('.result .meta').allTextContents();
  check(metas.every((m) => m.includes(district)), `every result is in ${district}`);
  check(await page.locator('.facet a.on').count() === 1, 'the chosen facet shows as chosen');
  await audit(page, 'search-facet');
  await page.goBack();
  await page.waitForURL(urlBefore);
  await page.locator('.summary', {hasText: summaryBefore}).waitFor();
  check(await page.locator('.facet a.on').count() === 0, 'Back removes the filter');
  check(await box.inputValue() === 'botilbd', 'Back keeps the query in the box');
  // The kind facet: only tilbud.
  await page.locator('.facet', {has: page.locator('h3', {hasText: /^Type$/})})
    .locator('a', {hasText: /^[☐☑]\s*Filtrér på Tilbud/}).click();
  await page.waitForURL(/kind=TILBUD/);
  await page.waitForFunction(() => [...document.querySelectorAll('.result .kind')].length > 0 &&
    [...document.querySelectorAll('.result .kind')].every((k) => k.textContent === 'Tilbud'));
  await page.goBack();
  await page.locator('.summary', {hasText: summaryBefore}).waitFor();
  // A shared link reproduces the filtered search.
  const {page: page2} = await open(null);
  await page2.goto(`${BASE}/?q=botilbd&bydel=${encodeURIComponent(district)}`);
  await page2.locator('.summary', {hasText: `${n} resultat`}).waitFor();
  noProblems(page);
  noProblems(page2);
  await page2.context().close();
  await context.close();
});

scenario('keyboard only: Tab to the box, type, ArrowDown, Enter', async () => {
  const {context, page} = await open(null);
  await page.goto(`${BASE}/`);
  await page.locator('h1').waitFor();
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.className) === 'skip-link', 'first Tab reaches the skip link');
  let onBox = false;
  for (let i = 0; i < 20 && !onBox; i += 1) {
    await page.keyboard.press('Tab');
    onBox = await page.evaluate(() => document.activeElement.getAttribute('role') === 'combobox' && document.activeElement.name === 'q');
  }
  check(onBox, 'Tab reaches the search box');
  const focusStyle = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(focusStyle !== 'none', 'the focused box has a visible outline');
  await page.keyboard.type('vaer', {delay: 60});
  const listbox = page.getByRole('listbox');
  await listbox.waitFor({state: 'visible'});
  check(await page.getByRole('combobox', {name: 'Hvad leder du efter?'}).getAttribute('aria-expanded') === 'true', 'aria-expanded=true with suggestions');
  await audit(page, 'suggestions');
  await page.keyboard.press('ArrowDown');
  const activeId = await page.getByRole('combobox', {name: 'Hvad leder du efter?'}).getAttribute('aria-activedescendant');
  check(Boolean(activeId), 'ArrowDown sets aria-activedescendant');
  const chosen = (await page.locator(`#${activeId} .sugg-text`).textContent()).trim();
  check(await page.locator(`#${activeId}`).getAttribute('aria-selected') === 'true', 'the option is aria-selected');
  await page.keyboard.press('Enter');
  await resultsFor(page, chosen);
  check(await page.getByRole('combobox', {name: 'Hvad leder du efter?'}).inputValue() === chosen, 'Enter puts the suggestion in the box');
  check(new URL(page.url()).searchParams.get('q') === chosen, 'the URL holds the chosen suggestion');
  check(await listbox.isHidden(), 'the listbox closes');
  // Escape closes the suggestions.
  await page.keyboard.type(' x', {delay: 60});
  await page.keyboard.press('Escape');
  check(await page.getByRole('combobox', {name: 'Hvad leder du efter?'}).getAttribute('aria-expanded') === 'false', 'Escape closes the listbox');
  // The first result's link is reachable by keyboard and opens the record.
  noProblems(page);
  await context.close();
});

scenario('empty result names the words no record has; "søg uden fortolkning"', async () => {
  const {context, page} = await open(null);
  await page.goto(`${BASE}/?q=${encodeURIComponent('qwxzqq')}`);
  await resultsFor(page, 'qwxzqq');
  const text = await page.locator('.results').textContent();
  check(/Intet i vejviseren indeholder ordet »qwxzqq«/.test(text), 'the unmatched word is named');
  check(/Ingen resultater\. Prøv at/.test(text), 'what to try is said');
  await audit(page, 'search-empty');
  await page.goto(`${BASE}/?q=${encodeURIComponent('botilbud på nørrebro med ledige pladser')}`);
  await page.locator('.interpretation').first().waitFor();
  await audit(page, 'search-interpretation');
  await page.getByRole('link', {name: 'Søg uden fortolkning'}).click();
  await page.waitForURL(/bogstaveligt=1/);
  await page.locator('.interpretation', {hasText: 'Der er søgt uden fortolkning'}).waitFor();
  // Paging: a broad query has a next page; Forrige goes back to page 1.
  await page.goto(`${BASE}/?q=botilbud`);
  await resultsFor(page, 'botilbud');
  const first = await page.locator('.result h3').first().textContent();
  await page.getByRole('link', {name: /Næste side/}).click();
  await page.waitForURL(/side=/);
  await page.waitForFunction((f) => document.querySelector('.result h3')?.textContent !== f, first);
  await page.getByRole('link', {name: /Forrige side/}).click();
  await page.waitForFunction((f) => document.querySelector('.result h3')?.textContent === f, first);
  noProblems(page);
  await context.close();
});

scenario('record pages: unit with breadcrumb, tilbud, person links', async () => {
  const anon = await open(null);
  await anon.page.goto(`${BASE}/post/${richUnit.id}`);
  await anon.page.locator('.msg-error', {hasText: 'Du skal logge ind'}).waitFor();
  await audit(anon.page, 'record-anonymous');
  await anon.context.close();

  const {context, page} = await open('reader');
  await page.goto(`${BASE}/post/${richUnit.id}`);
  await page.locator('h1', {hasText: richUnit.name}).waitFor();
  const parent = units.get(richUnit.parent_id);
  await page.locator('nav.breadcrumb a', {hasText: parent.name}).waitFor();
  check(/Sidst bekræftet|Aldrig bekræftet/.test(await page.locator('.verified').textContent()),
    'the last confirmation is shown');
  const tilbud = tilbudOf(richUnit.id)[0];
  const person = personsOf(richUnit.id)[0];
  await page.locator('#sec-TILBUD ~ ul a', {hasText: tilbud.name}).waitFor();
  await page.locator('#sec-PERSON ~ ul a', {hasText: person.name}).waitFor();
  check(await page.locator('.editor').count() === 0, 'a reader sees no editor tools');
  await audit(page, 'record-unit');
  await page.locator('#sec-TILBUD ~ ul a', {hasText: tilbud.name}).click();
  await page.locator('h1', {hasText: tilbud.name}).waitFor();
  check(page.url().endsWith(`/post/${tilbud.id}`), 'the tilbud link opens /post/<id>');
  await page.locator('dd a', {hasText: richUnit.name}).first().waitFor();
  const facts = await page.locator('.facts').textContent();
  check(facts.includes(tilbud.legal_basis), 'the tilbud shows its legal basis');
  await audit(page, 'record-tilbud');
  await page.goBack();
  await page.locator('#sec-PERSON ~ ul a', {hasText: person.name}).click();
  await page.locator('h1', {hasText: person.name}).waitFor();
  const pfacts = await page.locator('.facts').textContent();
  check(pfacts.includes(richUnit.name), 'the person shows its unit');
  check(person.expertise.every((e) => pfacts.includes(e)), 'the person shows its expertise');
  await audit(page, 'record-person');
  // A partner with the units it works with; a stale entry is flagged.
  const partner = records.find((r) => r.kind === 'partner');
  await page.goto(`${BASE}/post/${partner.id}`);
  await page.locator('h1', {hasText: partner.name}).waitFor();
  await page.locator('dd a', {hasText: units.get(partner.related_unit_ids[0]).name}).waitFor();
  check(await page.locator('.stale').count() === 1, 'an entry confirmed over a year ago is flagged stale');
  await audit(page, 'record-partner');
  noProblems(page);
  await context.close();
});

scenario('hvem ved hvad: contact details only when signed in', async () => {
  const anon = await open(null);
  await anon.page.goto(`${BASE}/hvem-ved-hvad?emne=FIT`);
  await anon.page.locator('#wk-summary').waitFor();
  check(await anon.page.locator('.result').count() > 0, 'who-knows lists experts');
  check(await anon.page.locator('a[href^="mailto:"], a[href^="tel:"]').count() === 0, 'no contact links anonymously');
  await anon.page.locator('.contact-note', {hasText: 'kun for medarbejdere, der er logget ind'}).waitFor();
  await audit(anon.page, 'whoknows-anonymous');
  noProblems(anon.page);
  await anon.context.close();
  const {context, page} = await open('reader');
  await page.goto(`${BASE}/hvem-ved-hvad?emne=FIT`);
  await page.locator('#wk-summary').waitFor();
  check(await page.locator('.result a[href^="mailto:"]').count() > 0, 'mailto links when signed in');
  check(await page.locator('.contact-note').count() === 0, 'no sign-in note when signed in');
  await audit(page, 'whoknows-signed-in');
  noProblems(page);
  await context.close();
});

async function seatsLeft(page, offerId, start) {
  const row = page.locator(`section[data-offer="${offerId}"] tbody tr`, {hasText: dateLabel(start)});
  return (await row.locator('.seats-left').textContent()).trim();
}

function dateLabel(iso) {
  const months = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september',
    'oktober', 'november', 'december'];
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}. ${months[m - 1]} ${y}`;
}

async function book(page, offer, slot) {
  await page.goto(`${BASE}/praktik?tilbud=${offer.id}`);
  const section = page.locator(`section[data-offer="${offer.id}"]`);
  await section.waitFor();
  await section.locator('tbody tr', {hasText: dateLabel(slot.start)}).getByRole('button').click();
  const form = section.locator('form.booking-form');
  await form.waitFor();
  return {section, form};
}

scenario('praktik: book, seats drop, waitlist, cancel, promotion, .ics, host list', async () => {
  const a = await open('booker');
  // Two-seat slot: seats left drop on booking and rise on cancel.
  let {section, form} = await book(a.page, twoSeats.offer, twoSeats.slot);
  check(await seatsLeft(a.page, twoSeats.offer.id, twoSeats.slot.start) === '2 ledige pladser', 'two seats left at first');
  check(await form.getByLabel('Din arbejdsmail').inputValue() === TOKENS.booker.principal, 'e-mail prefilled');
  check(await form.getByLabel('Dit navn').inputValue() === 'Anna Booker', 'name prefilled from the principal');
  await audit(a.page, 'praktik-booking-form');
  await form.getByRole('button', {name: 'Book plads'}).click();
  await section.locator('.booking-status[data-status="CONFIRMED"]').waitFor();
  await a.page.waitForFunction(([id, label]) => {
    const row = [...document.querySelectorAll(`section[data-offer="${id}"] tbody tr`)].find((r) => r.textContent.includes(label));
    return row && row.querySelector('.seats-left').textContent.trim() === '1 ledig plads';
  }, [twoSeats.offer.id, dateLabel(twoSeats.slot.start)]);
  await audit(a.page, 'praktik-booked');
  // One-seat slot: booker gets it, booker2 is waitlisted.
  ({section, form} = await book(a.page, oneSeat.offer, oneSeat.slot));
  await form.getByRole('button', {name: 'Book plads'}).click();
  await section.locator('.booking-status[data-status="CONFIRMED"]').waitFor();
  const b = await open('booker2');
  ({section, form} = await book(b.page, oneSeat.offer, oneSeat.slot));
  check(await seatsLeft(b.page, oneSeat.offer.id, oneSeat.slot.start) === 'Optaget', 'the one-seat slot shows as taken');
  await form.getByRole('button', {name: 'Book plads'}).click();
  await section.locator('.booking-status[data-status="WAITLISTED"]', {hasText: 'nr. 1'}).waitFor();
  // Mine bookinger: both bookings, .ics download, cancel.
  await a.page.goto(`${BASE}/mine-bookinger`);
  await a.page.locator('.summary', {hasText: 'Du har 2 bookinger'}).waitFor();
  await audit(a.page, 'mine-bookinger');
  const item = a.page.locator('.booking', {hasText: dateLabel(oneSeat.slot.start)});
  const [download] = await Promise.all([
    a.page.waitForEvent('download'),
    item.getByRole('button', {name: /Hent til kalender/}).click(),
  ]);
  check(download.suggestedFilename().endsWith('.ics'), 'the calendar download is an .ics file');
  const ics = fs.readFileSync(await download.path(), 'utf8');
  check(ics.includes('BEGIN:VCALENDAR'), 'the .ics file is a VCALENDAR');
  await item.getByRole('button', {name: /^Aflys/}).click();
  await a.page.locator('.cancel-msg').waitFor();
  await a.page.locator('.summary', {hasText: 'Du har 1 booking'}).waitFor();
  const twoItem = a.page.locator('.booking', {hasText: dateLabel(twoSeats.slot.start)});
  await twoItem.getByRole('button', {name: /^Aflys/}).click();
  await a.page.locator('.summary', {hasText: 'Du har ingen bookinger'}).waitFor();
  // Seats rise again; the waitlisted colleague is promoted.
  await a.page.goto(`${BASE}/praktik?tilbud=${twoSeats.offer.id}`);
  await a.page.locator(`section[data-offer="${twoSeats.offer.id}"]`).waitFor();
  check(await seatsLeft(a.page, twoSeats.offer.id, twoSeats.slot.start) === '2 ledige pladser', 'seats rise after cancel');
  await b.page.goto(`${BASE}/mine-bookinger`);
  await b.page.locator('.booking .status', {hasText: 'Bekræftet'}).waitFor();
  // Someone else's bookings are refused in Danish.
  await b.page.goto(`${BASE}/mine-bookinger?email=${encodeURIComponent(TOKENS.booker.principal)}`);
  await b.page.locator('.msg-error', {hasText: 'ikke rettighed'}).waitFor();
  // The host's list (an admin here): booker2 is coming.
  const host = await open('admin');
  await host.page.goto(`${BASE}/praktik?tilbud=${oneSeat.offer.id}`);
  await host.page.getByRole('button', {name: 'Se hvem der kommer'}).click();
  await host.page.locator('.host-list td', {hasText: TOKENS.booker2.principal}).waitFor();
  await audit(host.page, 'praktik-host-list');
  for (const x of [a, b, host]) {
    noProblems(x.page);
    await x.context.close();
  }
});

scenario('praktik filters by month and free seats', async () => {
  const {context, page} = await open('reader');
  const month = oneSeat.slot.start.slice(0, 7);
  await page.goto(`${BASE}/praktik?maaned=${month}&ledige=1`);
  await page.locator('.summary').waitFor();
  const dates = await page.locator('table.slots tbody th').allTextContents();
  const [y, m] = month.split('-').map(Number);
  check(dates.length > 0, 'slots in the chosen month');
  check(dates.every((d) => d.includes(String(y)) && d.includes(dateLabel(`${month}-01`).split(' ')[1])),
    `every slot is in ${month}`);
  check(await page.locator('#p-ledige').isChecked(), 'the free-seats box reflects the URL');
  await audit(page, 'praktik-filtered');
  noProblems(page);
  await context.close();
});

scenario('editor: confirm, edit, and a stale etag shows the conflict view', async () => {
  const {context, page} = await open('editor');
  await page.goto(`${BASE}/post/${editTilbud.id}`);
  await page.locator('h1', {hasText: editTilbud.name}).waitFor();
  await page.getByRole('button', {name: 'Oplysningerne er korrekte'}).click();
  await page.locator('.verify-msg').waitFor();
  const d = new Date();
  const months = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september',
    'oktober', 'november', 'december'];
  const todayLabel = `${d.getUTCDate()}. ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  await page.locator('.verified', {hasText: `Sidst bekræftet ${todayLabel}`}).waitFor();
  check(await page.locator('.verified .stale').count() === 0, 'no stale flag after confirming');
  await audit(page, 'editor-verified');
  await page.getByRole('button', {name: 'Redigér oplysninger'}).click();
  await page.getByLabel('Navn').fill(`${editTilbud.name} (rettet)`);
  await audit(page, 'editor-form');
  // Another edit lands first.
  const other = await apiAs('admin', 'PATCH', `/v1/records/${editTilbud.id}`, {
    record: {tilbud: {id: editTilbud.id, description: 'Ny beskrivelse fra en kollega.'}},
    updateMask: 'description',
  });
  check(other.status === 200, `the other edit is stored (${other.status} ${JSON.stringify(other.json)})`);
  await page.getByRole('button', {name: 'Gem ændringer'}).click();
  const conflict = page.locator('.conflict');
  await conflict.waitFor();
  const ctext = await conflict.textContent();
  check(ctext.includes('Ny beskrivelse fra en kollega.'), 'the conflict view shows the current text');
  check(ctext.includes('Ændret af den anden: Beskrivelse'), 'the conflict view says which field changed');
  check(ctext.includes(`${editTilbud.name} (rettet)`), 'the conflict view keeps the user\'s version');
  const stored = await apiAs('admin', 'GET', `/v1/records/${editTilbud.id}`);
  check(stored.json.tilbud.name === editTilbud.name, 'nothing was overwritten');
  await audit(page, 'editor-conflict');
  await page.getByRole('button', {name: 'Ret videre i den nye version'}).click();
  check(await page.getByLabel('Navn').inputValue() === `${editTilbud.name} (rettet)`, 'the user\'s name edit is kept');
  check(await page.getByLabel('Beskrivelse').inputValue() === 'Ny beskrivelse fra en kollega.', 'the new description is loaded');
  await page.getByRole('button', {name: 'Gem ændringer'}).click();
  await page.locator('h1', {hasText: `${editTilbud.name} (rettet)`}).waitFor();
  const saved = await apiAs('admin', 'GET', `/v1/records/${editTilbud.id}`);
  check(saved.json.tilbud.name === `${editTilbud.name} (rettet)`, 'the retried edit is stored');
  check(saved.json.tilbud.description === 'Ny beskrivelse fra en kollega.', 'the other edit survives');
  // Redaktion lists stale entries of the editor's unit.
  await page.goto(`${BASE}/redaktion`);
  await page.locator('.stale-list h2').first().waitFor();
  await audit(page, 'redaktion');
  noProblems(page);
  await context.close();
});

scenario('sign-in: HttpOnly cookie, CSRF header, sign-out; 401 in Danish', async () => {
  const {context, page} = await open(null);
  await page.goto(`${BASE}/log-ind`);
  await page.getByLabel('Din adgangsnøgle').fill('wrong-token');
  await page.getByRole('button', {name: 'Log ind'}).click();
  await page.locator('.msg-error', {hasText: 'Adgangsnøglen kendes ikke'}).waitFor();
  await audit(page, 'login-error');
  await page.getByLabel('Din adgangsnøgle').fill(TOKENS.reader.token);
  await page.getByRole('button', {name: 'Log ind'}).click();
  await page.locator('#principal', {hasText: TOKENS.reader.principal}).waitFor();
  await audit(page, 'login-signed-in');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'sofdir_session');
  check(session, 'a sofdir_session cookie is set');
  check(session.httpOnly, 'the session cookie is HttpOnly');
  check(session.sameSite === 'Strict', 'the session cookie is SameSite=Strict');
  check(!(await page.evaluate(() => document.cookie)).includes('sofdir_session'), 'document.cookie cannot read it');
  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length);
  check(stored === 0, 'nothing in localStorage/sessionStorage');
  check(!(await page.content()).includes(TOKENS.reader.token), 'the token is not in the page');
  // A state-changing call with the cookie but without the CSRF header is refused.
  const status = await page.evaluate(async () => (await fetch('/v1/records/unit-0001:verify',
    {method: 'POST', body: '{}', headers: {'Content-Type': 'application/json'}})).status);
  check(status === 403, `a POST without X-CSRF-Token is refused (got ${status})`);
  // A reader may not verify: the page says so in Danish.
  await page.goto(`${BASE}/post/${editTilbud.id}`);
  await page.locator('h1', {hasText: editTilbud.name}).waitFor();
  check(await page.locator('.editor').count() === 0, 'no editor tools for a reader');
  await page.getByRole('link', {name: /Log ud/}).click();
  await page.getByRole('button', {name: 'Log ud'}).click();
  await page.getByRole('button', {name: 'Log ind'}).waitFor();
  const after = await page.evaluate(async () => (await (await fetch('/auth/session')).json()).signedIn);
  check(after === false, 'signed out');
  await page.goto(`${BASE}/post/${editTilbud.id}`);
  await page.locator('.msg-error', {hasText: 'Du skal logge ind'}).waitFor();
  noProblems(page);
  await context.close();
});

scenario('XSS records are shown literally and run nothing', async () => {
  const img = '<img src=x onerror=alert(1)>';
  const scr = '"><script>alert(1)</script>';
  const r1 = await apiAs('admin', 'POST', '/v1/records', {record: {tilbud: {
    id: 'tilbud-xss1', name: img, unitId: richUnit.id, area: richUnit.area,
    description: `Testtilbud xsscheck ${img}`, ageMin: 18, ageMax: 99, serviceType: 'botilbud'}}});
  check(r1.status === 200, `create tilbud-xss1 (${r1.status} ${JSON.stringify(r1.json)})`);
  const all = `${scr} xsscheck`;
  const r2 = await apiAs('admin', 'POST', '/v1/records', {record: {tilbud: {
    id: 'tilbud-xss2', name: all, unitId: richUnit.id, area: richUnit.area, description: all,
    targetGroups: [all], ageMin: 0, ageMax: 99, legalBasis: all, serviceType: 'botilbud', methods: [all],
    capacity: 3, freePlaces: 1, address: {street: all, postcode: '2200', city: all, district: 'Nørrebro'},
    openingHours: all, languages: [all], accessibility: [all]}}});
  check(r2.status === 200, `create tilbud-xss2 (${r2.status} ${JSON.stringify(r2.json)})`);
  const r3 = await apiAs('admin', 'POST', '/v1/records', {record: {person: {
    id: 'person-xss3', name: all, title: all, unitId: richUnit.id, expertise: [all], email: 'x@sof.example.dk',
    phone: all}}});
  check(r3.status === 200, `create person-xss3 (${r3.status} ${JSON.stringify(r3.json)})`);
  const r4 = await apiAs('admin', 'POST', '/v1/records', {record: {unit: {
    id: 'unit-xss4', name: all, aliases: [all], parentId: richUnit.id, area: richUnit.area, role: 'udfører',
    unitType: all, description: all, knowledge: [all], phone: all}}});
  check(r4.status === 200, `create unit-xss4 (${r4.status} ${JSON.stringify(r4.json)})`);
  const {context, page} = await open('admin');
  await page.goto(`${BASE}/?q=xsscheck`);
  await resultsFor(page, 'xsscheck');
  await page.locator('.result h3 a', {hasText: img}).waitFor();
  await page.locator('.result h3 a', {hasText: scr}).first().waitFor();
  check(await page.locator('img').count() === 0, 'no <img> element was created');
  check(await page.locator('main script').count() === 0, 'no <script> element was created');
  await audit(page, 'xss-search');
  for (const id of ['tilbud-xss1', 'tilbud-xss2', 'person-xss3', 'unit-xss4']) {
    await page.goto(`${BASE}/post/${id}`);
    await page.locator('.facts').waitFor();
    await page.locator('h1', {hasText: id === 'tilbud-xss1' ? img : scr}).waitFor();
    check(await page.locator('img').count() === 0, `no <img> on ${id}`);
    check(await page.locator('main script').count() === 0, `no <script> on ${id}`);
    await page.getByRole('button', {name: 'Redigér oplysninger'}).click();
    await page.waitForTimeout(100);
  }
  // Suggestions and who-knows render the same text as text.
  await page.goto(`${BASE}/hvem-ved-hvad?emne=${encodeURIComponent(all)}`);
  await page.locator('#wk-summary').waitFor();
  await page.goto(`${BASE}/`);
  await page.getByRole('combobox', {name: 'Hvad leder du efter?'}).pressSequentially('xssch', {delay: 40});
  await page.waitForTimeout(400);
  await page.waitForTimeout(300);
  noProblems(page);
  await context.close();
});

scenario('page weight and keystroke-to-results time', async () => {
  const {context, page} = await open(null);
  const sizes = [];
  page.on('requestfinished', async (req) => {
    try {
      const s = await req.sizes();
      sizes.push(s.responseBodySize + s.responseHeadersSize);
    } catch (err) { /* ignore */ }
  });
  await page.goto(`${BASE}/?q=botilbud`, {waitUntil: 'networkidle'});
  await resultsFor(page, 'botilbud');
  await page.waitForTimeout(300);
  const total = sizes.reduce((a, b) => a + b, 0);
  figures.pageWeight = total;
  console.log(`FIGURE search page transferred: ${total} bytes (${(total / 1024).toFixed(1)} KB) in ${sizes.length} responses`);
  check(total < 150 * 1024, `the search page is under 150 KB (${total} bytes)`);

  await page.goto(`${BASE}/`);
  const box = page.getByRole('combobox', {name: 'Hvad leder du efter?'});
  await box.waitFor();
  const times = [];
  for (const q of DEV_QUERIES) {
    await box.fill('');
    await page.locator('.intro').waitFor();
    await box.focus();
    await page.evaluate((text) => {
      const input = document.querySelector('input[role=combobox]');
      window.__lastKey = 0;
      window.__rendered = 0;
      input.addEventListener('keydown', () => { window.__lastKey = performance.now(); }, {capture: true});
      const obs = new MutationObserver(() => {
        const s = document.querySelector('.summary');
        if (s && s.textContent.includes(`»${text}«`) && !window.__rendered) {
          window.__rendered = performance.now();
          obs.disconnect();
        }
      });
      obs.observe(document.querySelector('.results'), {childList: true, subtree: true, characterData: true});
    }, q);
    await page.keyboard.type(q, {delay: 15});
    await page.waitForFunction(() => window.__rendered > 0, null, {timeout: 10000});
    times.push(await page.evaluate(() => window.__rendered - window.__lastKey));
  }
  times.sort((x, y) => x - y);
  const median = (times[9] + times[10]) / 2;
  figures.keystrokeMedianMs = median;
  console.log(`FIGURE keystroke->results rendered over ${times.length} dev queries: median ${median.toFixed(1)} ms, ` +
    `min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
  // The target is 100 ms on loopback; the check is looser so a
  // machine busy with other builds does not fail it (the figure is printed).
  check(median < 500, `keystroke-to-results median under 500 ms (${median.toFixed(1)} ms)`);
  noProblems(page);
  await context.close();
});

// --------------------------------------------------------------------- run
let exitCode = 0;
let ran = 0;
try {
  await waitForServer();
  await pickSlots();
  browser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox']});
  const only = process.env.WEB_TEST_FILTER ? new RegExp(process.env.WEB_TEST_FILTER) : null;
  for (const s of scenarios) {
    if (only && !only.test(s.name)) continue;
    ran += 1;
    const t0 = Date.now();
    try {
      await s.fn();
      console.log(`PASS ${s.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      failures.push(s.name);
      console.log(`FAIL ${s.name}: ${err.message}`);
    }
  }
} catch (err) {
  console.log(`FAIL setup: ${err.stack || err.message}`);
  failures.push('setup');
} finally {
  if (browser) await browser.close();
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => {
      if (serverExited) r();
      else server.on('exit', r);
      setTimeout(r, 15000);
    });
  }
  fs.rmSync(tmp, {recursive: true, force: true});
}
console.log(`${ran - failures.filter((f) => f !== 'setup').length} passed, ${failures.length} failed; screenshots in ${artifacts}`);
if (failures.length) exitCode = 1;
process.exit(exitCode);
