// A search box with suggestions: the ARIA 1.2 combobox pattern (input with
// role=combobox, a listbox popup, aria-activedescendant; ArrowDown/ArrowUp
// move, Enter picks, Escape closes).

import {api, query} from './api.js';
import {clear, h, uid} from './dom.js';

// Suggestions wait for a pause in typing (100 ms); results are asked for at
// once on every input (the caller aborts the previous request), so they show
// within 100 ms of the last keystroke: the search itself takes milliseconds.
const SUGGEST_DEBOUNCE_MS = 100;

/**
 * Builds the box. onInput(text) runs (debounced) after typing; onPick(text)
 * when a suggestion is chosen; onSubmit(text) on Enter without a chosen one.
 */
export function searchCombobox({label, hint, value, onInput, onPick, onSubmit}) {
  const listId = uid('forslag');
  const input = h('input', {
    type: 'text',
    id: uid('q'),
    name: 'q',
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    enterkeyhint: 'search',
  });
  input.value = value || '';
  const list = h('ul', {id: listId, role: 'listbox', class: 'suggestions', hidden: true,
    'aria-label': 'Forslag'});
  const hintEl = h('span', {class: 'hint', id: `${input.id}-hint`}, hint);
  input.setAttribute('aria-describedby', hintEl.id);

  let items = [];
  let active = -1;
  let timer = null;
  let controller = null;
  let lastFetched = null;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function setActive(index) {
    const options = list.querySelectorAll('[role=option]');
    options.forEach((o, i) => o.setAttribute('aria-selected', i === index ? 'true' : 'false'));
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute('aria-activedescendant', options[index].id);
      options[index].scrollIntoView({block: 'nearest'});
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function show(suggestions) {
    items = suggestions;
    clear(list);
    active = -1;
    input.removeAttribute('aria-activedescendant');
    if (!items.length || document.activeElement !== input) {
      close();
      return;
    }
    items.forEach((s, i) => {
      const count = Number(s.count || 0);
      const li = h('li', {role: 'option', id: `${listId}-${i}`, 'aria-selected': 'false'},
        h('span', {class: 'sugg-text'}, s.text),
        count ? h('span', {class: 'sugg-count'}, ` ${count} ${count === 1 ? 'post' : 'poster'}`)
          : null);
      li.addEventListener('mousedown', (e) => e.preventDefault());
      li.addEventListener('click', () => pick(i));
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function pick(index) {
    const s = items[index];
    if (!s) return;
    input.value = s.text;
    close();
    onPick(s.text);
  }

  async function fetchSuggestions(text) {
    if (controller) controller.abort();
    if (!text.trim()) {
      show([]);
      return;
    }
    if (text === lastFetched && !list.hidden) return;
    controller = new AbortController();
    try {
      const json = await api('GET', `/v1/records:suggest${query({prefix: text, limit: 8})}`,
        undefined, {signal: controller.signal});
      lastFetched = text;
      if (input.value === text) show(json.suggestions || []);
    } catch (err) {
      if (err.name !== 'AbortError') show([]);
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value;
    timer = setTimeout(() => fetchSuggestions(text), SUGGEST_DEBOUNCE_MS);
    onInput(text);
  });

  input.addEventListener('keydown', (e) => {
    const open = !list.hidden && items.length > 0;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) {
        lastFetched = null;
        fetchSuggestions(input.value);
        return;
      }
      setActive(active + 1 >= items.length ? 0 : active + 1);
    } else if (e.key === 'ArrowUp') {
      if (!open) return;
      e.preventDefault();
      setActive(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer);
      if (open && active >= 0) pick(active);
      else {
        close();
        onSubmit(input.value);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        close();
      } else if (input.value) {
        e.preventDefault();
        input.value = '';
      }
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));

  const wrapper = h('div', {class: 'combobox'},
    h('label', {for: input.id}, label), hintEl,
    h('div', {class: 'combobox-row'}, input, list));
  return {element: wrapper, input, close};
}
