// Browser scenarios: editors, signing in and out, XSS records.

import {BASE, TOKENS, records, richUnit, editTilbud, apiAs, check, open, noProblems, audit, resultsFor, scenario} from './page_harness.mjs';

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
