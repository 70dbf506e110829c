// Mine bookinger (/mine-bookinger): the signed-in booker's bookings, with
// cancel and a calendar (.ics) download.

import {api, errorView, query, session} from './api.js';
import {danishDate, fill, h, message} from './dom.js';
import {statusText} from './praktik.js';

export function mount(main, url, ctx) {
  ctx.setTitle('Mine bookinger');
  const email = h('input', {type: 'email', id: 'mb-email', autocomplete: 'email'});
  const showCancelled = h('input', {type: 'checkbox', id: 'mb-cancelled'});
  const form = h('form', {class: 'filters', 'aria-label': 'Vis bookinger'},
    h('div', {class: 'field'}, h('label', {for: 'mb-email'}, 'Din arbejdsmail'), email),
    h('div', {class: 'field check'}, showCancelled, h('label', {for: 'mb-cancelled'}, 'Vis også aflyste')),
    h('button', {type: 'submit', class: 'primary'}, 'Vis bookinger'));
  const out = h('div', {class: 'results'});
  main.append(h('h1', null, 'Mine bookinger'), form, out);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(`/mine-bookinger${query({email: email.value.trim(),
      aflyste: showCancelled.checked ? '1' : ''})}`);
  });

  async function update(u, {quiet = false} = {}) {
    const wanted = u.searchParams.get('email') ||
      (session.principal && session.principal.includes('@') ? session.principal : '');
    email.value = wanted;
    showCancelled.checked = u.searchParams.get('aflyste') === '1';
    if (!wanted) {
      fill(out, h('p', null, session.signedIn ? 'Skriv din arbejdsmail for at se dine bookinger.'
        : ['Log ind for at se dine bookinger. ', h('a', {href: '/log-ind'}, 'Log ind')]));
      return;
    }
    try {
      const json = await api('GET', `/v1/bookings${query({email: wanted,
        includeCancelled: showCancelled.checked ? 'true' : ''})}`);
      render(json.bookings || [], quiet);
    } catch (err) {
      fill(out, errorView(err, 'se disse bookinger'));
    }
  }

  function render(bookings, quiet) {
    const summary = bookings.length === 0 ? 'Du har ingen bookinger.'
      : `Du har ${bookings.length} ${bookings.length === 1 ? 'booking' : 'bookinger'}.`;
    const list = h('ul', {class: 'booking-list'}, bookings.map(item));
    fill(out, h('p', {class: 'summary'}, summary), bookings.length ? list : '',
      h('p', null, h('a', {href: '/praktik'}, 'Find praktik')));
    if (!quiet) ctx.announce(summary);
  }

  function item(b) {
    const status = h('span', {class: `status status-${String(b.status).toLowerCase()}`}, statusText(b));
    const actions = h('div', {class: 'button-row'});
    const result = h('div');
    if (b.status !== 'CANCELLED') {
      const cancel = h('button', {type: 'button',
        'aria-label': `Aflys ${b.offerTitle || b.offerId} ${danishDate(b.slotStart)}`}, 'Aflys');
      cancel.addEventListener('click', async () => {
        cancel.disabled = true;
        try {
          await api('POST', `/v1/bookings/${encodeURIComponent(b.bookingId)}:cancel`, {});
          ctx.announce('Bookingen er aflyst.');
          await update(new URL(location.href), {quiet: true});
          const s = out.querySelector('.summary');
          out.prepend(message('ok', h('p', {tabindex: '-1', class: 'cancel-msg'}, 'Bookingen er aflyst.')));
          if (s) out.querySelector('.cancel-msg').focus();
        } catch (err) {
          cancel.disabled = false;
          fill(result, errorView(err, 'aflyse bookingen'));
        }
      });
      actions.append(cancel);
    }
    const ics = h('button', {type: 'button',
      'aria-label': `Hent til kalender (.ics): ${b.offerTitle || b.offerId} ${danishDate(b.slotStart)}`},
    'Hent til kalender (.ics)');
    ics.addEventListener('click', async () => {
      try {
        const cal = await api('GET', `/v1/bookings/${encodeURIComponent(b.bookingId)}/calendar`);
        const blob = new Blob([cal.ics || ''], {type: 'text/calendar;charset=utf-8'});
        const href = URL.createObjectURL(blob);
        const a = h('a', {href, download: `praktik-${b.bookingId}.ics`, class: 'visually-hidden'}, 'ics');
        document.body.append(a);
        a.click();
        setTimeout(() => {
          URL.revokeObjectURL(href);
          a.remove();
        }, 1000);
      } catch (err) {
        fill(result, errorView(err, 'hente kalenderfilen'));
      }
    });
    actions.append(ics);
    return h('li', {class: 'booking', dataset: {booking: b.bookingId}},
      h('h2', null, h('a', {href: `/post/${encodeURIComponent(b.offerId)}`}, b.offerTitle || b.offerId)),
      h('p', null, danishDate(b.slotStart), b.slotEnd && b.slotEnd !== b.slotStart ? ` – ${danishDate(b.slotEnd)}` : '',
        ' · ', status),
      actions, result);
  }

  update(url);
  return {update};
}
