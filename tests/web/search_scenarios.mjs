// Browser scenarios: the page sources, search, suggestions by keyboard, empty results.

import fs from 'node:fs';
import path from 'node:path';
import {BASE, check, open, noProblems, audit, resultsFor, scenario, here, records} from './page_harness.mjs';

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

scenario('age, free places and near filters narrow the results and sit in the URL', async () => {
  const {context, page} = await open(null);
  await page.goto(`${BASE}/?q=botilbud`);
  await resultsFor(page, 'botilbud');
  const byId = new Map(records.map((r) => [r.id, r]));
  const shownIds = async () => (await page.locator('.result h3 a').evaluateAll(
    (links) => links.map((a) => decodeURIComponent(a.getAttribute('href').replace('/post/', '')))));

  // Age: every result is a tilbud whose age range covers the age.
  const age = 30;
  await page.locator('#f-alder').fill(String(age));
  await page.locator('#f-alder').press('Tab');
  await page.waitForURL(/alder=30/);
  await page.waitForFunction(() => document.querySelectorAll('.result').length > 0);
  await page.waitForTimeout(300);
  let ids = await shownIds();
  check(ids.length > 0, `results for an ${age}-year-old`);
  for (const id of ids) {
    const r = byId.get(id);
    check(r && r.kind === 'tilbud' && r.age_min <= age && age <= r.age_max,
      `${id} is a tilbud for age ${age} (its range: ${r && r.age_min}-${r && r.age_max})`);
  }

  // Free places: every result says it has a free place.
  await page.locator('#f-ledige').check();
  await page.waitForURL(/ledige=1/);
  await page.waitForTimeout(300);
  await page.locator('.summary').first().waitFor();
  const results = await page.locator('.result').count();
  const free = await page.locator('.result .meta .free').count();
  check(results > 0 && free === results, `every result has free places (${free} of ${results})`);
  check(await page.locator('.result .meta .full').count() === 0, 'no result without free places');
  await audit(page, 'search-age-free');

  // Near a district: every result gets its distance; the nearest come first.
  await page.goBack();
  await page.waitForURL((u) => !/ledige=1/.test(u.search));
  await page.locator('#f-alder').fill('');
  await page.locator('#f-alder').press('Tab');
  await page.waitForURL((u) => !/alder=/.test(u.search));
  const district = 'Valby';
  await page.locator('#f-naer').selectOption(district);
  await page.waitForURL(/naer=Valby/);
  await page.waitForFunction(() => [...document.querySelectorAll('.result .meta')]
    .some((m) => m.textContent.includes('km væk')));
  const metas = await page.locator('.result .meta').allTextContents();
  check(metas.length > 0 && metas.every((m) => /km væk/.test(m)), 'every result shows its distance');
  const firstKm = Number(metas[0].match(/([\d,]+) km væk/)[1].replace(',', '.'));
  check(firstKm < 5, `the first result near ${district} is close (${firstKm} km)`);
  await audit(page, 'search-near');
  await page.goBack();
  await page.waitForURL((u) => !/naer=/.test(u.search));
  await page.waitForFunction(() => ![...document.querySelectorAll('.result .meta')]
    .some((m) => m.textContent.includes('km væk')));
  noProblems(page);
  await context.close();
});
