// Browser scenarios: praktik booking, waitlist, cancel, calendar, filters.

import fs from 'node:fs';
import {BASE, TOKENS, oneSeat, twoSeats, check, open, noProblems, audit, scenario, here} from './page_harness.mjs';

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
