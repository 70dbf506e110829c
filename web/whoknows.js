// Hvem ved hvad (/hvem-ved-hvad?emne=…): persons and units that know a topic,
// with their evidence, and how to reach them when the caller may see it.

import {api, errorView, query, session} from './api.js';
import {fill, h, kindLabel} from './dom.js';

const EXAMPLES = ['FIT', 'Forandringskompasset', 'relationel koordinering', 'VUM', 'misbrug',
  'skolefravær'];

export function mount(main, url, ctx) {
  ctx.setTitle('Hvem ved hvad');
  const input = h('input', {type: 'text', id: 'emne', name: 'emne', autocomplete: 'off',
    'aria-describedby': 'emne-hint'});
  const form = h('form', {role: 'search', class: 'search-form', 'aria-label': 'Find kolleger der ved noget om et emne'},
    h('div', {class: 'field'}, h('label', {for: 'emne'}, 'Emne eller metode'),
      h('span', {class: 'hint', id: 'emne-hint'}, 'Fx FIT, VUM, Forandringskompasset eller misbrug.'), input),
    h('button', {type: 'submit', class: 'primary'}, 'Find'));
  const out = h('div', {class: 'results'});
  main.append(h('h1', null, 'Hvem ved hvad?'),
    h('p', null, 'Find de kolleger og enheder, der ved mest om et emne eller en metode.'), form, out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const topic = input.value.trim();
    ctx.navigate(`/hvem-ved-hvad${query({emne: topic})}`);
  });

  let seq = 0;
  async function update(u) {
    const topic = u.searchParams.get('emne') || '';
    input.value = topic;
    ctx.setTitle(topic ? `Hvem ved noget om ${topic}` : 'Hvem ved hvad');
    const mySeq = ++seq;
    if (!topic) {
      fill(out, h('p', null, 'Prøv for eksempel: '),
        h('ul', {class: 'examples'}, EXAMPLES.map((t) => h('li', null,
          h('a', {href: `/hvem-ved-hvad${query({emne: t})}`}, t)))));
      return;
    }
    try {
      const json = await api('GET', `/v1/records:whoKnows${query({topic, limit: 20})}`);
      if (mySeq !== seq) return;
      render(topic, json.experts || []);
    } catch (err) {
      if (mySeq === seq) fill(out, errorView(err, 'søge efter kolleger'));
    }
  }

  function render(topic, experts) {
    const items = [];
    const anyContact = experts.some((x) => x.email || x.phone);
    const persons = experts.filter((x) => String(x.kind).toUpperCase() === 'PERSON');
    const summary = experts.length === 0
      ? `Ingen kendte kolleger eller enheder ved noget om »${topic}«.`
      : `${experts.length} ${experts.length === 1 ? 'kollega eller enhed' : 'kolleger og enheder'} ved noget om »${topic}«.`;
    items.push(h('h2', {id: 'wk-summary'}, summary));
    if (persons.length && !anyContact) {
      items.push(h('div', {class: 'msg msg-info contact-note'}, session.signedIn
        ? h('p', null, 'Din adgang giver ikke lov til at se kollegernes kontaktoplysninger.')
        : h('p', null, 'Kontaktoplysninger vises kun for medarbejdere, der er logget ind. ',
          h('a', {href: '/log-ind'}, 'Log ind'))));
    }
    if (experts.length) {
      items.push(h('ol', {class: 'result-list', 'aria-labelledby': 'wk-summary'}, experts.map((x) => {
        const contact = [];
        if (x.email) contact.push(h('a', {href: `mailto:${x.email}`, class: 'mailto'}, x.email));
        if (x.phone) contact.push(h('a', {href: `tel:${String(x.phone).replace(/[^0-9+]/g, '')}`, class: 'tel'}, x.phone));
        return h('li', {class: 'result'},
          h('h3', null, h('a', {href: `/post/${encodeURIComponent(x.id)}`}, x.name || x.id)),
          h('p', {class: 'meta'}, kindLabel(x.kind), x.title ? ` · ${x.title}` : '',
            x.unitName && x.unitName !== x.name ? ` · ${x.unitName}` : ''),
          (x.evidence || []).length ? h('div', null, h('p', {class: 'evidence-h'}, 'Derfor:'),
            h('ul', {class: 'evidence'}, x.evidence.map((ev) => h('li', null, ev)))) : null,
          contact.length ? h('p', {class: 'contact'}, 'Kontakt: ',
            contact.map((c, i) => [i ? ' · ' : '', c])) : null);
      })));
    }
    fill(out, ...items);
    ctx.announce(summary);
  }

  update(url);
  return {update};
}
