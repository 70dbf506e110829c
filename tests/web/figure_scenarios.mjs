// Browser scenarios that measure: page weight, keystroke-to-results time.

import {BASE, DEV_QUERIES, check, open, noProblems, resultsFor, scenario, figures} from './page_harness.mjs';

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
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  figures.keystrokeMedianMs = median;
  console.log(`FIGURE keystroke->results rendered over ${times.length} dev queries: median ${median.toFixed(1)} ms, ` +
    `min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
  // The target is 100 ms on loopback; the check is looser so a
  // machine busy with other builds does not fail it (the figure is printed).
  check(median < 500, `keystroke-to-results median under 500 ms (${median.toFixed(1)} ms)`);
  noProblems(page);
  await context.close();
});
