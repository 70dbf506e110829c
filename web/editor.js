// For unit editors: confirm a record ("Oplysningerne er korrekte") and edit
// its main text fields. The edit sends the etag it started from and an
// update mask; when someone else saved first (409 ABORTED) it shows the
// current version and what changed instead of overwriting it.

import {api, ApiError, errorView} from './api.js';
import {fill, h, message, verifiedLine} from './dom.js';
import {kindOf} from './records.js';

export const EDIT_FIELDS = {
  unit: [['name', 'Navn'], ['description', 'Beskrivelse', 'textarea'], ['phone', 'Telefon'],
    ['email', 'E-mail', 'email']],
  tilbud: [['name', 'Navn'], ['description', 'Beskrivelse', 'textarea'],
    ['openingHours', 'Åbningstider'], ['freePlaces', 'Ledige pladser', 'number']],
  partner: [['name', 'Navn'], ['organisation', 'Organisation'],
    ['description', 'Beskrivelse', 'textarea']],
  praktik: [['title', 'Titel'], ['description', 'Beskrivelse', 'textarea']],
  person: [['name', 'Navn'], ['title', 'Titel'], ['email', 'E-mail', 'email'],
    ['phone', 'Telefon']],
};

function valueOf(body, name) {
  const v = body[name];
  return v === undefined || v === null ? '' : String(v);
}

export function editorTools(record, kind, body, {onVerified, onSaved}) {
  const status = h('div', {class: 'editor-status'});
  const verifyButton = h('button', {type: 'button', class: 'primary'}, 'Oplysningerne er korrekte');
  verifyButton.addEventListener('click', async () => {
    verifyButton.disabled = true;
    try {
      const updated = await api('POST', `/v1/records/${encodeURIComponent(body.id)}:verify`, {});
      onVerified(updated);
      record = updated;
      fill(status, message('ok', h('p', {tabindex: '-1', class: 'verify-msg'},
        'Tak! Posten er nu markeret som bekræftet i dag.')));
    } catch (err) {
      fill(status, errorView(err, 'bekræfte denne post'));
    } finally {
      verifyButton.disabled = false;
    }
  });

  const editButton = h('button', {type: 'button', 'aria-expanded': 'false',
    'aria-controls': `edit-${body.id}`}, 'Redigér oplysninger');
  const formBox = h('div', {id: `edit-${body.id}`, hidden: true});
  editButton.addEventListener('click', () => {
    const open = formBox.hidden;
    formBox.hidden = !open;
    editButton.setAttribute('aria-expanded', String(open));
    if (open) {
      fill(formBox, editForm(record, kind, {onSaved, status}));
      formBox.querySelector('input, textarea').focus();
    }
  });

  return h('section', {class: 'editor', 'aria-labelledby': 'editor-h'},
    h('h2', {id: 'editor-h'}, 'For redaktører'),
    h('p', null, 'Er oplysningerne på denne side stadig rigtige? Bekræft dem, eller ret dem.'),
    h('div', {class: 'button-row'}, verifyButton, editButton), status, formBox);
}

function editForm(base, kind, {onSaved, status}) {
  const {body} = kindOf(base);
  const defs = EDIT_FIELDS[kind] || [];
  const inputs = {};
  const form = h('form', {class: 'edit-form', novalidate: true});
  for (const [name, label, type] of defs) {
    const id = `e-${name}`;
    const input = type === 'textarea'
      ? h('textarea', {id, name, rows: '6'})
      : h('input', {id, name, type: type === 'number' ? 'number' : type === 'email' ? 'email' : 'text',
        min: type === 'number' ? '0' : null});
    input.value = valueOf(body, name);
    inputs[name] = input;
    form.append(h('div', {class: 'field'}, h('label', {for: id}, label), input));
  }
  const result = h('div', {class: 'edit-result'});
  form.append(h('div', {class: 'button-row'}, h('button', {type: 'submit', class: 'primary'}, 'Gem ændringer')),
    result);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const changed = {};
    for (const [name, , type] of defs) {
      const now = inputs[name].value;
      if (now !== valueOf(body, name)) {
        changed[name] = type === 'number' ? (now === '' ? null : Number(now)) : now;
      }
    }
    const names = Object.keys(changed);
    if (!names.length) {
      fill(result, message('info', h('p', null, 'Du har ikke ændret noget.')));
      return;
    }
    const payload = {
      record: {[kind]: {id: body.id, ...changed}, etag: base.etag},
      updateMask: names.join(','),
    };
    try {
      const updated = await api('PATCH', `/v1/records/${encodeURIComponent(body.id)}`, payload);
      await onSaved(updated);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        await conflict(result, base, kind, defs, inputs, form, {onSaved, status});
      } else {
        fill(result, errorView(err, 'rette denne post'));
        result.querySelector('[role=alert]').focus?.();
      }
    }
  });
  return form;
}

async function conflict(result, base, kind, defs, inputs, form, {onSaved, status}) {
  let current;
  try {
    current = await api('GET', `/v1/records/${encodeURIComponent(kindOf(base).body.id)}`);
  } catch (err) {
    fill(result, errorView(err, 'hente den nye version'));
    return;
  }
  const before = kindOf(base).body;
  const now = kindOf(current).body;
  const rows = [];
  const changedByOther = [];
  for (const [name, label] of defs) {
    const theirs = valueOf(now, name);
    const mine = inputs[name].value;
    const other = theirs !== valueOf(before, name);
    if (other) changedByOther.push(label);
    if (!other && mine === valueOf(before, name)) continue;
    rows.push(h('tr', {class: other ? 'changed' : null},
      h('th', {scope: 'row'}, label),
      h('td', null, theirs || '(tom)'),
      h('td', null, mine || '(tom)'),
      h('td', null, other ? 'Ja' : 'Nej')));
  }
  const retry = h('button', {type: 'button', class: 'primary'}, 'Ret videre i den nye version');
  retry.addEventListener('click', () => {
    const fresh = editForm(current, kind, {onSaved, status});
    form.replaceWith(fresh);
    // Keep what the user typed in the fields the other edit left alone.
    for (const [name] of defs) {
      const el = fresh.querySelector(`[name="${name}"]`);
      if (el && valueOf(now, name) === valueOf(before, name)) el.value = inputs[name].value;
    }
    fresh.querySelector('input, textarea').focus();
  });
  const box = h('div', {class: 'msg msg-warn conflict', role: 'alert'},
    h('h3', {tabindex: '-1'}, 'Posten er ændret af en anden, mens du redigerede'),
    h('p', null, 'Dine ændringer er ikke gemt, så den andens ændringer ikke bliver overskrevet. ',
      changedByOther.length ? `Ændret af den anden: ${changedByOther.join(', ')}.` : ''),
    verifiedLine(current),
    h('table', {class: 'diff'},
      h('caption', null, 'Den gemte version og din version'),
      h('thead', null, h('tr', null, h('th', {scope: 'col'}, 'Felt'),
        h('th', {scope: 'col'}, 'Gemt nu'), h('th', {scope: 'col'}, 'Din version'),
        h('th', {scope: 'col'}, 'Ændret af en anden?'))),
      h('tbody', null, rows)),
    h('div', {class: 'button-row'}, retry));
  fill(result, box);
  box.querySelector('h3').focus();
}
