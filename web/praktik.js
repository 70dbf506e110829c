// Praktik (/praktik): offers with their upcoming slots and seats left,
// filtered by month and free seats; booking; the host's list of who comes.

import {api, errorView, hasRole, query, session} from './api.js';
import {danishDate, fill, h, message, monthName} from './dom.js';

function months() {
  const out = [];
  const d = new Date();
  for (let i = 0; i < 15; i += 1) {
    const y = d.getFullYear() + Math.floor((d.getMonth() + i) / 12);
    const m = (d.getMonth() + i) % 12;
    out.push({value: `${y}-${String(m + 1).padStart(2, '0')}`, label: `${monthName(m)} ${y}`});
  }
  return out;
}

function monthRange(value) {
  const m = /^(\d{4})-(\d{2})$/.exec(value || '');
  if (!m) return {};
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  return {fromDate: `${m[1]}-${m[2]}-01`, toDate: `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}`};
}

/** "Mette Kristensen" from "mette.kristensen@…" (a guess the user can change). */
export function nameFromEmail(email) {
  const local = String(email || '').split('@')[0];
  if (!local || !email.includes('@')) return '';
  return local.split(/[._-]+/).filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join(' ');
}

function seatsText(n) {
  return n === 1 ? '1 ledig plads' : `${n} ledige pladser`;
}

export function mount(main, url, ctx) {
  ctx.setTitle('Praktik i SOF');
  const month = h('select', {id: 'p-maaned'}, h('option', {value: ''}, 'Alle kommende'),
    months().map((m) => h('option', {value: m.value}, m.label)));
  const free = h('input', {type: 'checkbox', id: 'p-ledige'});
  const text = h('input', {type: 'text', id: 'p-q', autocomplete: 'off'});
  const form = h('form', {class: 'filters', 'aria-label': 'Find praktik'},
    h('div', {class: 'field'}, h('label', {for: 'p-q'}, 'Emne eller sted'), text),
    h('div', {class: 'field'}, h('label', {for: 'p-maaned'}, 'Måned'), month),
    h('div', {class: 'field check'}, free, h('label', {for: 'p-ledige'}, 'Kun datoer med ledige pladser')),
    h('button', {type: 'submit', class: 'primary'}, 'Vis praktik'));
  const out = h('div', {class: 'results'});
  main.append(h('h1', null, 'Praktik i SOF'),
    h('p', null, 'Besøg en anden enhed en dag, og se hvordan de arbejder. Vælg en dato, og book en plads.'),
    form, out);

  function urlFromForm() {
    return `/praktik${query({q: text.value.trim(), maaned: month.value, ledige: free.checked ? '1' : ''})}`;
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(urlFromForm());
  });
  month.addEventListener('change', () => ctx.navigate(urlFromForm()));
  free.addEventListener('change', () => ctx.navigate(urlFromForm()));

  let seq = 0;
  async function update(u, {quiet = false} = {}) {
    const p = u.searchParams;
    text.value = p.get('q') || '';
    month.value = p.get('maaned') || '';
    free.checked = p.get('ledige') === '1';
    const only = p.get('tilbud') || '';
    const mySeq = ++seq;
    try {
      const json = await api('GET', `/v1/praktik${query({
        query: text.value.trim(), ...monthRange(month.value),
        onlyFree: free.checked ? 'true' : '', pageSize: 200})}`);
      if (mySeq !== seq) return;
      let offers = json.offers || [];
      if (only) offers = offers.filter((o) => o.offer && o.offer.id === only);
      render(offers, only, quiet);
    } catch (err) {
      if (mySeq === seq) fill(out, errorView(err, 'se praktiktilbuddene'));
    }
  }

  function render(offers, only, quiet) {
    const summary = offers.length === 0 ? 'Ingen praktiktilbud passer.'
      : `${offers.length} ${offers.length === 1 ? 'praktiktilbud' : 'praktiktilbud'} med kommende datoer.`;
    const items = [h('p', {class: 'summary'}, summary)];
    if (only) items.push(h('p', null, h('a', {href: '/praktik'}, 'Vis alle praktiktilbud')));
    for (const view of offers) items.push(offerView(view));
    fill(out, ...items);
    if (!quiet) ctx.announce(summary);
  }

  function offerView(view) {
    const o = view.offer || {};
    const slots = view.slots || [];
    const bookingBox = h('div', {class: 'booking-box'});
    const hostBox = h('div', {class: 'host-box'});
    const hId = `offer-${o.id}`;
    const rows = slots.map((s) => {
      const book = h('button', {type: 'button', class: 'small book'});
      book.addEventListener('click', () => bookingForm(bookingBox, o, s));
      const row = h('tr', {dataset: {start: s.start}},
        h('th', {scope: 'row'}, danishDate(s.start), s.end && s.end !== s.start ? ` – ${danishDate(s.end)}` : ''),
        h('td', {class: 'num'}, String(s.seats || 0)),
        h('td', {class: 'num seats-left'}),
        h('td', {class: 'num wait'}),
        h('td', null, book));
      setCounts(row, o, s);
      return row;
    });
    const hostButton = hasRole('editor') || session.open
      ? h('button', {type: 'button'}, 'Se hvem der kommer') : null;
    if (hostButton) hostButton.addEventListener('click', () => hostList(hostBox, o));
    return h('section', {class: 'offer', 'aria-labelledby': hId, dataset: {offer: o.id}},
      h('h2', {id: hId}, h('a', {href: `/post/${encodeURIComponent(o.id)}`}, o.title || o.id)),
      h('p', {class: 'meta'}, view.hostUnitName || '', o.durationDays
        ? ` · ${o.durationDays} ${Number(o.durationDays) === 1 ? 'dag' : 'dage'}` : '',
      (o.topics || []).length ? ` · ${o.topics.join(', ')}` : ''),
      h('div', {class: 'table-wrap'}, h('table', {class: 'slots'},
        h('caption', {class: 'visually-hidden'}, `Datoer for ${o.title}`),
        h('thead', null, h('tr', null, h('th', {scope: 'col'}, 'Dato'), h('th', {scope: 'col'}, 'Pladser'),
          h('th', {scope: 'col'}, 'Ledige'), h('th', {scope: 'col'}, 'Venteliste'),
          h('th', {scope: 'col'}, h('span', {class: 'visually-hidden'}, 'Handling')))),
        h('tbody', null, rows))),
      hostButton ? h('div', {class: 'button-row'}, hostButton) : null,
      bookingBox, hostBox);
  }

  function setCounts(row, o, s) {
    const left = Number(s.seatsLeft || 0);
    const wait = Number(s.waitlistLength || 0);
    const cell = row.querySelector('.seats-left');
    cell.className = `num seats-left ${left > 0 ? 'free' : 'full'}`;
    cell.textContent = left > 0 ? seatsText(left) : 'Optaget';
    row.querySelector('.wait').textContent = wait ? String(wait) : '–';
    const book = row.querySelector('button.book');
    book.textContent = left > 0 ? 'Book' : 'Venteliste';
    book.setAttribute('aria-label',
      `${left > 0 ? 'Book' : 'Venteliste'} ${danishDate(s.start)}: ${o.title}`);
  }

  /** Fetches the offer's seat counts again and updates its table in place. */
  async function refreshSeats(offer) {
    try {
      const json = await api('GET', `/v1/praktik${query({query: text.value.trim(),
        ...monthRange(month.value), pageSize: 200})}`);
      const view = (json.offers || []).find((v) => v.offer && v.offer.id === offer.id);
      if (!view) return;
      const section = out.querySelector(`section[data-offer="${CSS.escape(offer.id)}"]`);
      if (!section) return;
      for (const s of view.slots || []) {
        const row = section.querySelector(`tr[data-start="${CSS.escape(s.start)}"]`);
        if (row) setCounts(row, view.offer, s);
      }
    } catch (err) { /* the counts stay; the booking itself succeeded */ }
  }

  function bookingForm(box, offer, slot) {
    const name = h('input', {type: 'text', id: `b-name-${offer.id}`, autocomplete: 'name', required: true});
    const email = h('input', {type: 'email', id: `b-email-${offer.id}`, autocomplete: 'email', required: true});
    const note = h('textarea', {id: `b-note-${offer.id}`, rows: '2', maxlength: '1000'});
    if (session.principal && session.principal.includes('@')) {
      email.value = session.principal;
      name.value = nameFromEmail(session.principal);
    }
    const result = h('div', {class: 'booking-result'});
    const form = h('form', {class: 'booking-form'},
      h('h3', {tabindex: '-1'}, `Book ${danishDate(slot.start)}: ${offer.title}`),
      h('div', {class: 'field'}, h('label', {for: name.id}, 'Dit navn'), name),
      h('div', {class: 'field'}, h('label', {for: email.id}, 'Din arbejdsmail'), email),
      h('div', {class: 'field'}, h('label', {for: note.id}, 'Besked til værten (valgfri)'), note),
      h('div', {class: 'button-row'}, h('button', {type: 'submit', class: 'primary'}, 'Book plads')),
      result);
    const requestId = (crypto.randomUUID && crypto.randomUUID()) ||
      `b-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!name.value.trim() || !email.value.trim()) {
        fill(result, message('error', h('p', null, 'Skriv dit navn og din arbejdsmail.')));
        return;
      }
      try {
        const b = await api('POST', `/v1/praktik/${encodeURIComponent(offer.id)}/bookings`, {
          slotStart: slot.start, name: name.value.trim(), email: email.value.trim(),
          note: note.value.trim(), requestId,
        });
        const confirmed = b.status === 'CONFIRMED';
        const text = confirmed
          ? `Du har fået en plads ${danishDate(b.slotStart)}. Bekræftet.`
          : `Der er ikke flere ledige pladser. Du er skrevet på ventelisten som nr. ${b.waitlistPosition}.`;
        fill(box, message('ok', h('p', {class: 'booking-status', dataset: {status: b.status || ''}, tabindex: '-1'},
          text, ' ', h('a', {href: '/mine-bookinger'}, 'Se mine bookinger'))));
        box.querySelector('p').focus();
        ctx.announce(text);
        refreshSeats(offer);
      } catch (err) {
        fill(result, err.status === 409
          ? message('error', h('p', null, 'Du har allerede en booking på denne dato.'))
          : errorView(err, 'booke praktik'));
      }
    });
    fill(box, form);
    form.querySelector('h3').focus();
  }

  async function hostList(box, offer) {
    try {
      const json = await api('GET', `/v1/bookings${query({offerId: offer.id, pageSize: 1000})}`);
      const bookings = json.bookings || [];
      if (!bookings.length) {
        fill(box, h('p', {tabindex: '-1'}, 'Ingen har booket endnu.'));
      } else {
        fill(box, h('div', {class: 'table-wrap'}, h('table', {class: 'host-list', tabindex: '-1'},
          h('caption', null, `Hvem kommer: ${offer.title}`),
          h('thead', null, h('tr', null, ['Dato', 'Navn', 'E-mail', 'Status'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody', null, bookings.map((b) => h('tr', null,
            h('td', null, danishDate(b.slotStart)), h('td', null, b.name),
            h('td', null, h('a', {href: `mailto:${b.email}`}, b.email)),
            h('td', null, statusText(b))))))));
      }
      box.firstChild.focus?.();
    } catch (err) {
      fill(box, errorView(err, 'se hvem der kommer'));
    }
  }

  update(url);
  return {update};
}

export function statusText(b) {
  if (b.status === 'CONFIRMED') return 'Bekræftet';
  if (b.status === 'WAITLISTED') return `På venteliste (nr. ${b.waitlistPosition})`;
  if (b.status === 'CANCELLED') return 'Aflyst';
  return b.status || '';
}
