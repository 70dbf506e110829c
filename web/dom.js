// Small DOM helpers. Record text is only ever set as text (textContent or
// text nodes), never parsed as HTML.

/**
 * h('a', {href: '/x', class: 'c'}, 'text', child) builds an element.
 * Attribute values are set with setAttribute; children that are strings
 * become text nodes. null/undefined/false children are skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (key === 'dataset') {
        Object.assign(el.dataset, value);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces the children of el with the given children. */
export function fill(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/**
 * The snippet with the matched words (inside « ») as <mark> elements, built
 * from text nodes only.
 */
export function highlighted(snippet) {
  const frag = document.createDocumentFragment();
  const text = String(snippet || '');
  let pos = 0;
  while (pos < text.length) {
    const open = text.indexOf('«', pos);
    if (open < 0) break;
    const close = text.indexOf('»', open + 1);
    if (close < 0) break;
    if (open > pos) frag.appendChild(document.createTextNode(text.slice(pos, open)));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(open + 1, close);
    frag.appendChild(mark);
    pos = close + 1;
  }
  if (pos < text.length) frag.appendChild(document.createTextNode(text.slice(pos)));
  return frag;
}

export const KIND_LABELS = {
  UNIT: 'Enhed',
  TILBUD: 'Tilbud',
  PARTNER: 'Samarbejdspartner',
  PRAKTIK: 'Praktik',
  PERSON: 'Person',
};
export const KIND_PLURAL = {
  UNIT: 'Underenheder',
  TILBUD: 'Tilbud',
  PARTNER: 'Samarbejdspartnere',
  PRAKTIK: 'Praktiktilbud',
  PERSON: 'Personer',
};

/** 'unit' or 'UNIT' -> 'UNIT'. */
export function kindKey(kind) {
  return String(kind || '').toUpperCase();
}

export function kindLabel(kind) {
  return KIND_LABELS[kindKey(kind)] || String(kind || '');
}

const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august',
  'september', 'oktober', 'november', 'december'];

/** 'YYYY-MM-DD' or an RFC 3339 time -> '16. marts 2027'. */
export function danishDate(value) {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
  if (!m) return String(value);
  return `${Number(m[3])}. ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

export function monthName(index) {
  return MONTHS[index];
}

/** Days since an RFC 3339 time or date; null when unknown. */
export function daysSince(value) {
  if (!value) return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  return Math.floor((Date.now() - t) / 86400000);
}

export const STALE_DAYS = 365;

/** The visible "last confirmed" line, with a stale flag. */
export function verifiedLine(record) {
  const days = daysSince(record.verifiedTime);
  const p = h('p', {class: 'verified'});
  if (days === null) {
    p.append(h('strong', {class: 'stale'}, 'Aldrig bekræftet'),
      ' – oplysningerne kan være forældede.');
    return p;
  }
  p.append('Sidst bekræftet ', danishDate(record.verifiedTime));
  if (record.verifiedBy) p.append(' af ', record.verifiedBy);
  p.append('.');
  if (days > STALE_DAYS) {
    p.append(' ', h('strong', {class: 'stale'},
      `Ikke bekræftet i over et år (${days} dage) – oplysningerne kan være forældede.`));
  }
  return p;
}

let idCounter = 0;
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field. */
export function field(label, input, hint) {
  const id = input.id || uid('f');
  input.id = id;
  const hintEl = hint ? h('span', {class: 'hint', id: `${id}-hint`}, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', {class: 'field'}, h('label', {for: id}, label), hintEl, input);
}

export function message(kind, ...children) {
  return h('div', {class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status'},
    ...children);
}
