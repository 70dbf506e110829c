// Søg: the search page at "/". The URL (?q=…&kind=…&…) holds the query and
// the filters; typing replaces the current history entry, a submitted search
// or a filter pushes a new one, so Back returns to the previous results.

import {api, errorView, query} from './api.js';
import {searchCombobox} from './combobox.js';
import {clear, fill, h, highlighted, kindKey, kindLabel, KIND_LABELS} from './dom.js';

export const DISTRICTS = ['Indre By', 'Christianshavn', 'Østerbro', 'Nørrebro',
  'Vesterbro/Kongens Enghave', 'Valby', 'Vanløse', 'Brønshøj-Husum', 'Bispebjerg',
  'Amager Øst', 'Amager Vest'];

// URL parameter -> facet field, and the Danish heading of each facet.
const FACETS = [
  {field: 'kind', param: 'kind', title: 'Type'},
  {field: 'area', param: 'omraade', title: 'Område'},
  {field: 'district', param: 'bydel', title: 'Bydel'},
  {field: 'service_type', param: 'tilbudstype', title: 'Tilbudstype'},
  {field: 'legal_basis', param: 'lov', title: 'Lovgrundlag'},
];

const PAGE_SIZE = 10;

/** The search state in a URL. */
function stateOf(url) {
  const p = url.searchParams;
  return {
    q: p.get('q') || '',
    kind: p.getAll('kind').map(kindKey).filter((k) => KIND_LABELS[k]),
    omraade: p.get('omraade') || '',
    bydel: p.get('bydel') || '',
    tilbudstype: p.get('tilbudstype') || '',
    lov: p.get('lov') || '',
    alder: p.get('alder') || '',
    ledige: p.get('ledige') === '1',
    naer: p.get('naer') || '',
    bogstaveligt: p.get('bogstaveligt') === '1',
    side: p.get('side') || '',
  };
}

function urlOf(state) {
  const params = {
    q: state.q, kind: state.kind, omraade: state.omraade, bydel: state.bydel,
    tilbudstype: state.tilbudstype, lov: state.lov, alder: state.alder,
    ledige: state.ledige ? '1' : '', naer: state.naer,
    bogstaveligt: state.bogstaveligt ? '1' : '', side: state.side,
  };
  return `/${query(params)}`;
}

function hasFilters(s) {
  return s.kind.length || s.omraade || s.bydel || s.tilbudstype || s.lov || s.alder ||
    s.ledige || s.naer;
}

function requestOf(s) {
  return `/v1/records:search${query({
    query: s.q.trim(),
    kinds: s.kind,
    area: s.omraade,
    district: s.bydel,
    legalBasis: s.lov,
    serviceType: s.tilbudstype,
    age: s.alder,
    onlyFree: s.ledige ? 'true' : '',
    nearDistrict: s.naer,
    literal: s.bogstaveligt ? 'true' : '',
    pageSize: PAGE_SIZE,
    pageToken: s.side,
  })}`;
}

const EXAMPLES = ['botilbud nørrebro', 'unge med misbrug', 'hvem kan FIT', 'SEL 107',
  'værested amager', 'krisecenter'];

export function mount(main, url, ctx) {
  let state = stateOf(url);
  let typingEntry = false;  // the current history entry belongs to typing
  let controller = null;
  let seq = 0;

  ctx.setTitle(state.q ? `Søg: ${state.q}` : 'Søg');
  const heading = h('h1', null, 'Find tilbud, enheder og kolleger');
  const box = searchCombobox({
    label: 'Hvad leder du efter?',
    hint: 'Skriv fx et tilbud, en målgruppe, en bydel, en paragraf eller "hvem kan …".',
    value: state.q,
    onInput: (text) => change({q: text}, {typing: true}),
    onPick: (text) => change({q: text}),
    onSubmit: (text) => change({q: text}, {force: true}),
  });
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Søg');
  const form = h('form', {role: 'search', class: 'search-form', 'aria-label': 'Søg i vejviseren'},
    box.element, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    box.close();
    change({q: box.input.value}, {force: true});
  });

  // Age, free places, near.
  const age = h('input', {type: 'number', id: 'f-alder', min: '0', max: '120',
    inputmode: 'numeric', class: 'narrow'});
  const free = h('input', {type: 'checkbox', id: 'f-ledige'});
  const near = h('select', {id: 'f-naer'}, h('option', {value: ''}, 'Ingen bestemt bydel'),
    DISTRICTS.map((d) => h('option', {value: d}, d)));
  age.addEventListener('change', () => change({alder: age.value.trim()}));
  free.addEventListener('change', () => change({ledige: free.checked}));
  near.addEventListener('change', () => change({naer: near.value}));
  const extra = h('div', {class: 'extra-filters'},
    h('div', {class: 'field'}, h('label', {for: 'f-alder'}, 'Borgerens alder'), age),
    h('div', {class: 'field check'}, free, h('label', {for: 'f-ledige'}, 'Kun tilbud med ledige pladser')),
    h('div', {class: 'field'}, h('label', {for: 'f-naer'}, 'Tæt på bydel'), near));

  const facetsEl = h('div', {class: 'facets'});
  const resultsEl = h('div', {class: 'results', 'aria-busy': 'false'});
  const layout = h('div', {class: 'search-layout'},
    h('section', {class: 'facet-col', 'aria-labelledby': 'facets-h'},
      h('h2', {id: 'facets-h'}, 'Afgræns søgningen'), extra, facetsEl),
    h('section', {class: 'result-col', 'aria-labelledby': 'results-h'},
      h('h2', {id: 'results-h', class: 'visually-hidden'}, 'Resultater'), resultsEl));
  main.append(heading, form, layout);

  function syncControls() {
    if (document.activeElement !== box.input && box.input.value !== state.q) {
      box.input.value = state.q;
    }
    age.value = state.alder;
    free.checked = state.ledige;
    near.value = state.naer;
  }

  /** Applies a change to the state, updates the URL and searches. */
  function change(patch, {typing = false, force = false, keepPage = false} = {}) {
    const next = {...state, ...patch};
    if (!keepPage) next.side = '';
    if (!('bogstaveligt' in patch) && 'q' in patch && patch.q !== state.q) next.bogstaveligt = false;
    const href = urlOf(next);
    const same = href === urlOf(state);
    if (same && !force) return;
    const historyState = {tokens: keepPage ? patch.tokens || [] : []};
    if (same) {
      history.replaceState(historyState, '', href);
    } else if (typing && typingEntry) {
      history.replaceState(historyState, '', href);
    } else {
      history.pushState(historyState, '', href);
    }
    typingEntry = typing;
    state = next;
    ctx.setTitle(state.q ? `Søg: ${state.q}` : 'Søg');
    run();
  }

  async function run() {
    syncControls();
    const mySeq = ++seq;
    if (controller) controller.abort();
    if (!state.q.trim() && !hasFilters(state)) {
      renderFacets(null);
      fill(resultsEl, intro());
      return;
    }
    controller = new AbortController();
    resultsEl.setAttribute('aria-busy', 'true');
    try {
      const json = await api('GET', requestOf(state), undefined, {signal: controller.signal});
      if (mySeq !== seq) return;
      renderResults(json);
      renderFacets(json.facets || []);
    } catch (err) {
      if (err.name === 'AbortError' || mySeq !== seq) return;
      fill(resultsEl, errorView(err, 'søge'));
      ctx.announce('Søgningen mislykkedes.');
    } finally {
      if (mySeq === seq) resultsEl.setAttribute('aria-busy', 'false');
    }
  }

  function intro() {
    return h('div', {class: 'intro'},
      h('p', null, 'Søg på tværs af Socialforvaltningens tilbud, enheder, samarbejdspartnere, ' +
        'praktiktilbud og kolleger. Du behøver ikke stave rigtigt eller skrive æ, ø og å.'),
      h('p', null, 'Prøv for eksempel:'),
      h('ul', {class: 'examples'}, EXAMPLES.map((e) => h('li', null,
        h('a', {href: urlOf({...stateOf(new URL('/', location.href)), q: e})}, e)))));
  }

  function renderResults(json) {
    const results = json.results || [];
    const total = Number(json.totalSize || 0);
    const out = [];
    const interp = json.interpretation || [];
    if (interp.length) {
      out.push(h('div', {class: 'interpretation'},
        h('p', null, h('strong', null, 'Sådan forstod vi din søgning:')),
        h('ul', null, interp.map((step) => h('li', null, step.effect ||
          (step.words || []).join(' ')))),
        h('p', null, h('a', {href: urlOf({...state, bogstaveligt: true, side: ''}),
          class: 'literal-link'}, 'Søg uden fortolkning'),
        ' – søg kun på ordene, som du skrev dem.')));
    } else if (state.bogstaveligt) {
      out.push(h('p', {class: 'interpretation'}, 'Der er søgt uden fortolkning. ',
        h('a', {href: urlOf({...state, bogstaveligt: false, side: ''})}, 'Søg med fortolkning')));
    }
    const unmatched = json.unmatchedWords || [];
    const countText = total === 1 ? '1 resultat' : `${total.toLocaleString('da-DK')} resultater`;
    const summary = state.q.trim() ? `${countText} for »${state.q.trim()}«` : countText;
    out.push(h('p', {class: 'summary', id: 'result-summary'}, summary));
    out.push(h('p', {class: 'to-filters'}, h('a', {href: '#facets-h'}, 'Gå til filtre')));
    if (unmatched.length) {
      out.push(h('div', {class: 'msg msg-info'},
        h('p', null, unmatched.length === 1 ? 'Intet i vejviseren indeholder ordet ' :
          'Intet i vejviseren indeholder ordene ',
        unmatched.map((w, i) => [i ? ', ' : '', h('strong', null, `»${w}«`)]),
        results.length ? '. Resultaterne er fundet med de øvrige ord.' : '.')));
    }
    if (!results.length) {
      out.push(h('div', {class: 'empty'},
        h('p', null, 'Ingen resultater. Prøv at:'),
        h('ul', null,
          h('li', null, 'bruge færre eller mere almindelige ord, fx »botilbud« i stedet for et navn,'),
          h('li', null, 'fjerne filtre', hasFilters(state) ? [' (', h('a', {href: urlOf({
            ...stateOf(new URL('/', location.href)), q: state.q})}, 'fjern alle filtre'), ')'] : '',
          ','),
          h('li', null, 'søge på målgruppen eller paragraffen, fx »unge med misbrug« eller »SEL 107«.'))));
    } else {
      out.push(h('ol', {class: 'result-list', 'aria-labelledby': 'result-summary'},
        results.map(resultItem)));
    }
    out.push(pager(json.nextPageToken || ''));
    fill(resultsEl, ...out);
    ctx.announce(`${summary}.`);
  }

  function resultItem(r) {
    const meta = [];
    meta.push(h('span', {class: 'kind'}, kindLabel(r.kind)));
    if (r.unitName && r.unitName !== r.name) meta.push(h('span', null, r.unitName));
    if (r.district) meta.push(h('span', null, r.district));
    if (r.freePlaces !== undefined && r.freePlaces !== null) {
      const n = Number(r.freePlaces);
      meta.push(h('span', {class: n > 0 ? 'free' : 'full'},
        n === 0 ? 'Ingen ledige pladser' : n === 1 ? '1 ledig plads' : `${n} ledige pladser`));
    }
    if (r.distanceKm !== undefined && r.distanceKm !== null) {
      meta.push(h('span', null, `${Number(r.distanceKm).toLocaleString('da-DK',
        {maximumFractionDigits: 1})} km væk`));
    }
    return h('li', {class: 'result'},
      h('h3', null, h('a', {href: `/post/${encodeURIComponent(r.id)}`}, r.name || r.id)),
      h('p', {class: 'meta'}, meta.map((m, i) => [i ? h('span', {class: 'sep', 'aria-hidden': 'true'}, ' · ') : '', m])),
      r.snippet ? h('p', {class: 'snippet'}, highlighted(r.snippet)) : null);
  }

  function pager(nextToken) {
    const tokens = (history.state && history.state.tokens) || [];
    const nav = h('nav', {class: 'pager', 'aria-label': 'Sider'});
    if (state.side) {
      const prevTokens = tokens.slice(0, -1);
      const prev = tokens.length ? tokens[tokens.length - 1] : '';
      const a = h('a', {href: urlOf({...state, side: prev}), rel: 'prev'}, '‹ Forrige side');
      a.addEventListener('click', (e) => {
        e.preventDefault();
        change({side: prev, tokens: prevTokens}, {keepPage: true});
      });
      nav.append(a);
    }
    if (nextToken) {
      const a = h('a', {href: urlOf({...state, side: nextToken}), rel: 'next'}, 'Næste side ›');
      a.addEventListener('click', (e) => {
        e.preventDefault();
        change({side: nextToken, tokens: [...tokens, state.side]}, {keepPage: true});
      });
      nav.append(a);
    }
    return nav.childNodes.length ? nav : '';
  }

  function renderFacets(facets) {
    clear(facetsEl);
    if (hasFilters(state)) {
      const reset = h('a', {href: urlOf({...stateOf(new URL('/', location.href)), q: state.q}),
        class: 'reset-filters'}, 'Fjern alle filtre');
      facetsEl.append(h('p', null, reset));
    }
    const byField = new Map((facets || []).map((f) => [f.field, f.counts || []]));
    for (const def of FACETS) {
      const counts = byField.get(def.field) || [];
      const selected = def.field === 'kind' ? state.kind : (state[def.param] ? [state[def.param]] : []);
      if (!counts.length && !selected.length) continue;
      const items = [];
      const seen = new Set();
      for (const c of counts) {
        const value = def.field === 'kind' ? kindKey(c.value) : c.value;
        seen.add(value.toLowerCase());
        items.push({value, count: Number(c.count || 0)});
      }
      for (const s of selected) if (!seen.has(s.toLowerCase())) items.push({value: s, count: null});
      const list = h('ul', {class: 'facet-list'});
      for (const item of items) {
        const isOn = selected.some((s) => s.toLowerCase() === item.value.toLowerCase());
        let nextValue;
        if (def.field === 'kind') {
          nextValue = isOn ? state.kind.filter((k) => k !== item.value) : [...state.kind, item.value];
        } else {
          nextValue = isOn ? '' : item.value;
        }
        const label = def.field === 'kind' ? kindLabel(item.value) : item.value;
        const href = urlOf({...state, [def.param]: nextValue, side: ''});
        const a = h('a', {href, class: isOn ? 'facet on' : 'facet', 'aria-pressed': null,
          'aria-current': isOn ? 'true' : null},
        h('span', {class: 'box', 'aria-hidden': 'true'}, isOn ? '☑' : '☐'),
        h('span', {class: 'visually-hidden'}, isOn ? 'Valgt filter, fjern: ' : 'Filtrér på '),
        label, item.count !== null ? h('span', {class: 'count'}, ` (${item.count})`) : '');
        a.addEventListener('click', (e) => {
          e.preventDefault();
          change({[def.param]: nextValue});
        });
        list.append(h('li', null, a));
      }
      facetsEl.append(h('div', {class: 'facet'}, h('h3', null, def.title), list));
    }
  }

  syncControls();
  run();

  return {
    update(newUrl) {
      // Back/forward or a link inside the page.
      state = stateOf(newUrl);
      typingEntry = false;
      box.input.value = state.q;
      ctx.setTitle(state.q ? `Søg: ${state.q}` : 'Søg');
      run();
    },
    unmount() {
      if (controller) controller.abort();
    },
  };
}
