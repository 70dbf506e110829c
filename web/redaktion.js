// Redaktion (/redaktion): entries not confirmed for a year, oldest first,
// for the editor's units (all for admins), each with a confirm button.

import {api, errorView, isAdmin, query, session} from './api.js';
import {danishDate, fill, h, KIND_LABELS, message} from './dom.js';
import {kindOf, titleOf} from './records.js';

export function mount(main, url, ctx) {
  ctx.setTitle('Redaktion');
  const out = h('div');
  main.append(h('h1', null, 'Redaktion: oplysninger der skal bekræftes'),
    h('p', null, 'Her er de poster, som ingen har bekræftet i over et år. Åbn posten, ret den om nødvendigt, ' +
      'eller bekræft, at den stadig er rigtig.'), out);
  load();

  async function load() {
    if (!session.open && !session.signedIn) {
      fill(out, h('p', null, 'Log ind som redaktør for at se din enheds poster. ', h('a', {href: '/log-ind'}, 'Log ind')));
      return;
    }
    if (!isAdmin() && !session.roles.includes('editor')) {
      fill(out, message('info', h('p', null, 'Du er ikke redaktør for nogen enhed.')));
      return;
    }
    const units = isAdmin() ? [''] : session.units;
    const sections = [];
    for (const unit of units) {
      try {
        const json = await api('GET', `/v1/records:stale${query({olderThanDays: 365, unit, pageSize: 200})}`);
        sections.push(listView(json, unit));
      } catch (err) {
        sections.push(errorView(err, 'se posterne'));
      }
    }
    fill(out, ...sections);
  }

  function listView(json, unit) {
    const records = json.records || [];
    const total = Number(json.totalSize || records.length);
    const heading = unit ? `Enhed ${unit}: ${total} ${total === 1 ? 'post' : 'poster'}` : `${total} ${total === 1 ? 'post' : 'poster'} i alt`;
    return h('section', {class: 'stale-list', 'aria-label': heading},
      h('h2', null, heading),
      records.length ? h('ul', {class: 'link-list'}, records.map((r) => {
        const {kind, body} = kindOf(r);
        const verify = h('button', {type: 'button', class: 'small',
          'aria-label': `Oplysningerne er korrekte: ${titleOf(r)}`}, 'Oplysningerne er korrekte');
        const li = h('li', null, h('a', {href: `/post/${encodeURIComponent(body.id)}`}, titleOf(r)),
          ` (${KIND_LABELS[kind.toUpperCase()]}; ${r.verifiedTime ? `sidst bekræftet ${danishDate(r.verifiedTime)}` : 'aldrig bekræftet'}) `,
          verify);
        verify.addEventListener('click', async () => {
          try {
            await api('POST', `/v1/records/${encodeURIComponent(body.id)}:verify`, {});
            fill(li, h('a', {href: `/post/${encodeURIComponent(body.id)}`}, titleOf(r)), ' – bekræftet i dag.');
            ctx.announce(`${titleOf(r)} er bekræftet.`);
          } catch (err) {
            li.append(errorView(err, 'bekræfte posten'));
          }
        });
        return li;
      })) : h('p', null, 'Alle poster er bekræftet inden for det seneste år.'));
  }
  return {};
}
