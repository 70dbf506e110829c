// The harness of the browser tests (run_page_tests.mjs): arguments, the
// fixtures (tokens, demo records, praktik slots), starting sofdir-server,
// the browser, and helpers every scenario file uses (open a signed-in page,
// axe-core audit with screenshots, checks). Scenario files register with
// scenario(name, fn); runAll() runs them in order.

import {spawn} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const SKIP = 77;
export const here = path.dirname(fileURLToPath(import.meta.url));
const [serverBin, demoData, artifactArg, devIntents] = process.argv.slice(2);
if (!serverBin || !demoData) {
  console.error('usage: run_page_tests.mjs <sofdir-server> <demo-data.jsonl> [artifact-dir] [dev-intents.jsonl]');
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
export const artifacts = path.resolve(artifactArg || 'web-artifacts');
fs.mkdirSync(artifacts, {recursive: true});

// ---------------------------------------------------------------- fixtures
export const TOKENS = {
  reader: {token: 'tok-reader-7f3a-0123456789', principal: 'laeser@sof.example.dk', roles: ['reader']},
  booker: {token: 'tok-booker-91c2-0123456789', principal: 'anna.booker@sof.example.dk', roles: ['booker']},
  booker2: {token: 'tok-booker-55d0-0123456789', principal: 'bo.kollega@sof.example.dk', roles: ['booker']},
  editor: {token: 'tok-editor-2b8e-0123456789', principal: 'redaktoer@sof.example.dk', roles: ['editor', 'reader'],
    units: []},
  admin: {token: 'tok-admin-c4d1-0123456789', principal: 'admin@sof.example.dk', roles: ['admin']},
};

export const records = fs.readFileSync(demoData, 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => JSON.parse(l));
export const units = new Map(records.filter((r) => r.kind === 'unit').map((r) => [r.id, r]));
export const tilbudOf = (u) => records.filter((r) => r.kind === 'tilbud' && r.unit_id === u);
export const personsOf = (u) => records.filter((r) => r.kind === 'person' && r.unit_id === u);
// A unit below another with tilbud and persons: the record-page scenario.
export const richUnit = [...units.values()].find((u) => u.parent_id && tilbudOf(u.id).length && personsOf(u.id).length);
export const editTilbud = tilbudOf(richUnit.id)[0];
TOKENS.editor.units = [richUnit.id];
// The slots come from the server (the demo loader moves slot dates to
// upcoming ones): set after start-up.
export let oneSeat;
export let twoSeats;
export async function pickSlots() {
  const {json} = await apiAs('admin', 'GET', '/v1/praktik?pageSize=500');
  const slots = (json.offers || []).flatMap((v) => (v.slots || [])
    .map((s) => ({offer: v.offer, slot: {start: s.start, seats: s.seats}})));
  oneSeat = slots.find((x) => x.slot.seats === 1);
  twoSeats = slots.find((x) => x.slot.seats === 2 && x.offer.id !== oneSeat.offer.id);
  check(oneSeat && twoSeats, 'the demo data has praktik slots with one and with two seats');
}

// The texts of the dev query intents (../shared/data/dev-intents.jsonl) for
// the keystroke-to-results figure; a sample of them when the file is absent.
const SAMPLE_QUERIES = ['misbrugsbehanling unge nørrebro', 'bosted for unge med autisme', 'vaerested amager',
  'sel107 psykisk syge amager', '§85 bostotte osterbro', 'kvindekrisecenter ledig plads', 'hjemmeplje valby',
  'kfd', 'hvem kan fit', 'hvem arbejder med relationel koordinering', 'praktik hjemmepleje',
  'praktik som sagsbehandler på børneområdet', 'samarbejde om skolefravær', 'ssp',
  'herbergsplads ung hjemløs', 'aflastning boern med handicap', 'dagtilbud udviklingshæmmede brønshøj',
  'voksen med add raadgivning', 'familiebehandling tosprogede', 'anonym raadgivning hash'];
export const DEV_QUERIES = devIntents && fs.existsSync(devIntents)
  ? fs.readFileSync(devIntents, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text)
  : SAMPLE_QUERIES;

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

/**
 * Starts sofdir-server with the demo data in a fresh data dir under tmp,
 * HTTP on a free port, plus `extraArgs`; resolves once /auth/session
 * answers. Returns {base, stop()}.
 */
export async function startServer(name, extraArgs) {
  const port = await freePort();
  const log = [];
  let exited = false;
  const child = spawn(serverBin, ['--data-dir', path.join(tmp, `data-${name}`), '--demo-data', demoData,
    '--listen', '127.0.0.1:0', '--http-listen', `127.0.0.1:${port}`, ...extraArgs],
  {stdio: ['ignore', 'pipe', 'pipe']});
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  child.on('exit', () => {
    exited = true;
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () => new Promise((resolve) => {
    if (exited) return resolve();
    child.on('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(resolve, 15000);
  });
  const deadline = Date.now() + 90000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`sofdir-server (${name}) exited:\n${log.join('')}`);
    try {
      const r = await fetch(`${base}/auth/session`);
      if (r.ok) return {base, stop};
    } catch (err) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`sofdir-server (${name}) did not answer on ${base}:\n${log.join('')}`);
}

// The server every scenario uses: with the auth config above. WEB_TEST_BASE:
// run against a server already running there instead (development; it must
// use an auth config with the tokens above).
let mainServer = null;
export let BASE = process.env.WEB_TEST_BASE || '';

/** The API with a bearer token (no cookie, so no CSRF token needed). */
export async function apiAs(who, method, p, body) {
  const r = await fetch(`${BASE}${p}`, {
    method,
    headers: {Authorization: `Bearer ${TOKENS[who].token}`, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return {status: r.status, json: text ? JSON.parse(text) : {}};
}

// ----------------------------------------------------------------- harness
export let browser;
const failures = [];
export const figures = {};
let shotCounter = 0;

export function check(cond, what) {
  if (!cond) throw new Error(`expected: ${what}`);
}

/** A fresh context + page; signs in through the API when `who` is given. */
export async function open(who, {width = 1280} = {}) {
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

export function noProblems(page) {
  check(page.problems.length === 0, `no dialogs, CSP violations or page errors: ${page.problems.join('; ')}`);
}

/** axe-core at 1280 and 390 px, plus a screenshot at each width. */
export async function audit(page, label) {
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

export async function resultsFor(page, text) {
  await page.locator('.summary', {hasText: `»${text}«`}).first().waitFor({timeout: 10000});
}

const scenarios = [];
export function scenario(name, fn) {
  scenarios.push({name, fn});
}

// --------------------------------------------------------------- scenarios

// --------------------------------------------------------------------- run
/** Starts the server and the browser, runs the scenarios, exits the process. */
export async function runAll() {
  let exitCode = 0;
  let ran = 0;
  try {
    if (!BASE) {
      mainServer = await startServer('main', ['--auth-config', authPath]);
      BASE = mainServer.base;
    }
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
    if (mainServer) await mainServer.stop();
    fs.rmSync(tmp, {recursive: true, force: true});
  }
  console.log(`${ran - failures.filter((f) => f !== 'setup').length} passed, ${failures.length} failed; screenshots in ${artifacts}`);
  if (failures.length) exitCode = 1;
  process.exit(exitCode);
}
