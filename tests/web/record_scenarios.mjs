// Browser scenarios: record pages and hvem ved hvad.

import {BASE, records, units, tilbudOf, personsOf, richUnit, check, open, noProblems, audit, scenario} from './page_harness.mjs';

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
