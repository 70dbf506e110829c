// Browser scenarios against a server started without --auth-config, as
// `make run` starts it: everybody may do everything, and the page says so.

import {audit, check, noProblems, open, richUnit, scenario, startServer} from './page_harness.mjs';

scenario('without --auth-config: records, contact details and editing need no sign-in', async () => {
  const server = await startServer('open', []);
  const {context, page} = await open(null);
  try {
    await page.goto(`${server.base}/`);
    await page.locator('#nav-login', {hasText: 'Uden log ind'}).waitFor();
    await page.goto(`${server.base}/log-ind`);
    await page.getByText('alle har adgang til alt').waitFor();
    await audit(page, 'open-login');

    await page.goto(`${server.base}/post/${richUnit.id}`);
    await page.locator('h1', {hasText: richUnit.name}).waitFor();
    check(await page.locator('.msg-error').count() === 0, 'the record page opens without sign-in');
    check(await page.getByRole('button', {name: 'Redigér oplysninger'}).count() === 1,
      'the editor tools are offered');
    await audit(page, 'open-record');

    await page.goto(`${server.base}/hvem-ved-hvad?emne=FIT`);
    await page.locator('#wk-summary').waitFor();
    check(await page.locator('a[href^="mailto:"]').count() > 0, 'contact links without sign-in');
    check(await page.locator('.contact-note').count() === 0, 'no "log ind" note');

    await page.goto(`${server.base}/redaktion`);
    await page.locator('h1', {hasText: 'Redaktion'}).waitFor();
    await page.waitForTimeout(300);
    check(await page.locator('.msg-error').count() === 0, 'the editors\' page opens without sign-in');
    noProblems(page);
  } finally {
    await context.close();
    await server.stop();
  }
});
