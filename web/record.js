// One page per record (/post/{id}), with the linked directory as links.

import {api, errorView, mayEdit, session} from './api.js';
import {clear, danishDate, fill, h, KIND_LABELS, KIND_PLURAL, message, verifiedLine} from './dom.js';
import {editorTools} from './editor.js';
import {children, clearCache, getRecord, kindOf, titleOf, unitChain} from './records.js';

function dl(rows) {
  const list = h('dl', {class: 'facts'});
  for (const [label, value] of rows) {
    if (value === undefined || value === null || value === '' ||
        (Array.isArray(value) && !value.length)) continue;
    list.append(h('dt', null, label), h('dd', null, value));
  }
  return list;
}

function paragraphs(text) {
  return String(text || '').split(/\n+/).filter((t) => t.trim())
    .map((t) => h('p', null, t));
}

function topicLinks(topics) {
  if (!topics || !topics.length) return null;
  return h('ul', {class: 'tags'}, topics.map((t) => h('li', null,
    h('a', {href: `/hvem-ved-hvad?emne=${encodeURIComponent(t)}`, title: `Hvem ved noget om ${t}?`}, t))));
}

function plainList(items) {
  if (!items || !items.length) return null;
  return h('ul', {class: 'plain'}, items.map((t) => h('li', null, t)));
}

function address(a) {
  if (!a || !(a.street || a.city)) return null;
  return [a.street, [a.postcode, a.city].filter(Boolean).join(' '), a.district]
    .filter(Boolean).join(', ');
}

function telLink(phone) {
  return phone ? h('a', {href: `tel:${phone.replace(/[^0-9+]/g, '')}`}, phone) : null;
}

function mailLink(email) {
  return email ? h('a', {href: `mailto:${email}`}, email) : null;
}

export function recordLink(id, text) {
  return h('a', {href: `/post/${encodeURIComponent(id)}`}, text || id);
}

/** A link to a record whose name is fetched (the id until then). */
function namedLink(id) {
  const a = recordLink(id, id);
  getRecord(id).then((r) => {
    a.textContent = titleOf(r) || id;
  }).catch(() => {});
  return a;
}

function freePlaces(t) {
  if (t.freePlaces === undefined || t.freePlaces === null) return null;
  const n = Number(t.freePlaces);
  const text = n === 0 ? 'Ingen ledige pladser' : n === 1 ? '1 ledig plads' : `${n} ledige pladser`;
  return t.capacity !== undefined ? `${text} (af ${t.capacity})` : text;
}

function ages(t) {
  if (t.ageMin === undefined && t.ageMax === undefined) return null;
  const min = Number(t.ageMin || 0);
  const max = Number(t.ageMax || 0);
  if (max >= 99) return `${min} år og op`;
  return `${min}–${max} år`;
}

export function mount(main, url, ctx) {
  const id = decodeURIComponent(url.pathname.slice('/post/'.length));
  clearCache();
  ctx.setTitle('Post');
  const container = h('div', {class: 'record'}, h('h1', null, 'Henter …'));
  main.append(container);
  load(container, id, ctx);
  return {};
}

async function load(container, id, ctx) {
  let record;
  try {
    record = await api('GET', `/v1/records/${encodeURIComponent(id)}`);
  } catch (err) {
    ctx.setTitle('Posten kunne ikke vises');
    fill(container, h('h1', {tabindex: '-1'}, 'Posten kunne ikke vises'),
      errorView(err, 'se denne post'), h('p', null, h('a', {href: '/'}, 'Tilbage til søgningen')));
    container.querySelector('h1').focus();
    return;
  }
  await show(container, record, ctx);
}

async function show(container, record, ctx) {
  const {kind, body} = kindOf(record);
  const title = titleOf(record);
  ctx.setTitle(title);
  const unitId = kind === 'unit' ? body.id : kind === 'praktik' ? body.hostUnitId : body.unitId;
  const chain = unitId ? await unitChain(unitId) : [];
  const chainIds = chain.map((r) => r.unit.id);
  if (kind === 'partner') chainIds.push(...(body.relatedUnitIds || []));

  const crumbs = h('nav', {class: 'breadcrumb', 'aria-label': 'Brødkrumme'},
    h('ol', null, h('li', null, h('a', {href: '/'}, 'Søg')),
      chain.filter((r) => r.unit.id !== body.id).map((r) => h('li', null, recordLink(r.unit.id, r.unit.name))),
      h('li', null, h('span', {'aria-current': 'page'}, title))));

  const heading = h('h1', {tabindex: '-1'}, title);
  const kindLine = h('p', {class: 'kind-line'}, KIND_LABELS[kind.toUpperCase()] || kind);
  const verified = h('div', {class: 'verified-box'}, verifiedLine(record));
  const parts = [crumbs, kindLine, heading, verified];

  if (kind === 'unit') {
    if (body.aliases && body.aliases.length) parts.push(h('p', null, 'Også kaldet: ', body.aliases.join(', ')));
    parts.push(...paragraphs(body.description));
    parts.push(dl([
      ['Område', body.area],
      ['Rolle', body.role],
      ['Enhedstype', body.unitType],
      ['Adresse', address(body.address)],
      ['Telefon', telLink(body.phone)],
      ['E-mail', mailLink(body.email)],
      ['Ved noget om', topicLinks(body.knowledge)],
    ]));
  } else if (kind === 'tilbud') {
    parts.push(...paragraphs(body.description));
    parts.push(dl([
      ['Drives af', body.unitId ? namedLink(body.unitId) : null],
      ['Tilbudstype', body.serviceType],
      ['Lovgrundlag', body.legalBasis],
      ['Målgrupper', plainList(body.targetGroups)],
      ['Alder', ages(body)],
      ['Ledige pladser', freePlaces(body)],
      ['Metoder', topicLinks(body.methods)],
      ['Adresse', address(body.address)],
      ['Åbningstider', body.openingHours],
      ['Sprog', (body.languages || []).join(', ')],
      ['Tilgængelighed', plainList(body.accessibility)],
      ['Kontaktperson', body.contactPersonId ? contactPerson(body.contactPersonId) : null],
    ]));
  } else if (kind === 'person') {
    parts.push(dl([
      ['Titel', body.title],
      ['Enhed', body.unitId ? namedLink(body.unitId) : null],
      ['Ved noget om', topicLinks(body.expertise)],
      ['E-mail', mailLink(body.email)],
      ['Telefon', telLink(body.phone)],
    ]));
    if (!body.email && !body.phone) {
      parts.push(h('p', {class: 'hint'}, session.signedIn
        ? 'Du kan ikke se kontaktoplysninger med din adgang.'
        : 'Log ind for at se kontaktoplysninger.'));
    }
  } else if (kind === 'partner') {
    parts.push(...paragraphs(body.description));
    const c = body.contact || {};
    parts.push(dl([
      ['Organisation', body.organisation],
      ['Type', body.internal ? 'En del af Københavns Kommune' : 'Uden for Københavns Kommune'],
      ['Emner', topicLinks(body.topics)],
      ['Kontakt', c.name || c.email || c.phone
        ? [c.name || '', c.email ? [' · ', mailLink(c.email)] : '', c.phone ? [' · ', telLink(c.phone)] : '']
        : null],
      ['Arbejder sammen med', (body.relatedUnitIds || []).length
        ? h('ul', {class: 'plain'}, body.relatedUnitIds.map((u) => h('li', null, namedLink(u))))
        : null],
    ]));
  } else if (kind === 'praktik') {
    parts.push(...paragraphs(body.description));
    parts.push(dl([
      ['Værtsenhed', body.hostUnitId ? namedLink(body.hostUnitId) : null],
      ['Emner', topicLinks(body.topics)],
      ['For', (body.audience || []).join(', ')],
      ['Varighed', body.durationDays ? `${body.durationDays} ${Number(body.durationDays) === 1 ? 'dag' : 'dage'}` : null],
      ['Krav', plainList(body.requirements)],
      ['Kontaktperson', body.contactPersonId ? contactPerson(body.contactPersonId) : null],
      ['Datoer', (body.slots || []).length ? h('ul', {class: 'plain'}, body.slots.map((s) =>
        h('li', null, `${danishDate(s.start)}${s.end && s.end !== s.start ? ` – ${danishDate(s.end)}` : ''}` +
          ` (${s.seats} ${Number(s.seats) === 1 ? 'plads' : 'pladser'})`))) : null],
    ]));
    parts.push(h('p', null, h('a', {href: `/praktik?tilbud=${encodeURIComponent(body.id)}`, class: 'button-link'},
      'Se ledige pladser og book')));
  }

  if (mayEdit(chainIds)) {
    parts.push(editorTools(record, kind, body, {
      onVerified: (updated) => {
        fill(verified, verifiedLine(updated));
        record = updated;
      },
      onSaved: async (updated) => {
        clearCache();
        clear(container);
        await show(container, updated, ctx);
        const msg = message('ok', h('p', {tabindex: '-1', class: 'saved-msg'}, 'Ændringerne er gemt.'));
        container.querySelector('.verified-box').after(msg);
        msg.querySelector('p').focus();
        ctx.announce('Ændringerne er gemt.');
      },
    }));
  }

  fill(container, ...parts);
  heading.focus({preventScroll: true});

  if (kind === 'unit') {
    const sections = h('div', {class: 'linked'});
    container.append(sections);
    for (const [k, param] of [['UNIT', 'UNIT'], ['TILBUD', 'TILBUD'], ['PERSON', 'PERSON'],
      ['PRAKTIK', 'PRAKTIK'], ['PARTNER', 'PARTNER']]) {
      const section = h('section', {class: 'linked-section', 'aria-labelledby': `sec-${k}`},
        h('h2', {id: `sec-${k}`}, KIND_PLURAL[k]));
      sections.append(section);
      children(body.id, param).then((records) => {
        if (!records.length) {
          section.append(h('p', {class: 'hint'}, 'Ingen.'));
          return;
        }
        section.append(h('ul', {class: 'link-list'}, records.map((r) => {
          const rk = kindOf(r);
          const extra = rk.kind === 'person' && rk.body.title ? ` – ${rk.body.title}` :
            rk.kind === 'tilbud' && rk.body.serviceType ? ` – ${rk.body.serviceType}` : '';
          return h('li', null, recordLink(rk.body.id, titleOf(r)), extra);
        })));
      }).catch((err) => section.append(errorView(err, 'se dette')));
    }
  }
}

function contactPerson(id) {
  const span = h('span', null, namedLink(id));
  getRecord(id).then((r) => {
    const p = r.person || {};
    if (p.title) span.append(`, ${p.title}`);
    if (p.email) span.append(' · ', mailLink(p.email));
    if (p.phone) span.append(' · ', telLink(p.phone));
  }).catch(() => {});
  return span;
}
