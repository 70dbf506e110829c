// The page's entry: a small router over the client-side routes, the header
// menu and the live region. Views live in their own modules.

import {clear, h} from './dom.js';
import {loadSession, onSessionChange, session} from './api.js';
import * as search from './search.js';
import * as record from './record.js';
import * as whoKnows from './whoknows.js';
import * as praktik from './praktik.js';
import * as bookings from './bookings.js';
import * as login from './login.js';
import * as redaktion from './redaktion.js';

const main = document.getElementById('indhold');
const statusRegion = document.getElementById('status');

function route(pathname) {
  if (pathname === '/' || pathname === '/index.html') return search;
  if (pathname.startsWith('/post/')) return record;
  if (pathname === '/hvem-ved-hvad') return whoKnows;
  if (pathname === '/praktik') return praktik;
  if (pathname === '/mine-bookinger') return bookings;
  if (pathname === '/log-ind') return login;
  if (pathname === '/redaktion') return redaktion;
  return null;
}

let current = null;  // {view, instance}

/** Announces a short text to screen readers (result counts etc.). */
export function announce(text) {
  statusRegion.textContent = '';
  // A new text node after a tick so repeated texts are read again.
  setTimeout(() => {
    statusRegion.textContent = text;
  }, 30);
}

export function setTitle(title) {
  document.title = title ? `${title} – SOF Vejviser` : 'SOF Vejviser';
}

function notFound(el) {
  setTitle('Siden findes ikke');
  el.append(h('h1', {tabindex: '-1'}, 'Siden findes ikke'),
    h('p', null, 'Adressen findes ikke i vejviseren. ', h('a', {href: '/'}, 'Gå til søgningen')));
  return {};
}

const ctx = {
  navigate,
  announce,
  setTitle,
  rerender: () => render(new URL(location.href), {force: true}),
};

function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({preventScroll: true});
  }
  window.scrollTo(0, 0);
}

function markNav(pathname) {
  for (const a of document.querySelectorAll('#nav a')) {
    const target = new URL(a.href).pathname;
    if (target === pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function render(url, {force = false, moveFocus = true} = {}) {
  const view = route(url.pathname);
  markNav(url.pathname);
  if (!force && current && view && current.view === view && current.instance.update) {
    current.instance.update(url);
    return;
  }
  if (current && current.instance.unmount) current.instance.unmount();
  clear(main);
  const instance = view ? view.mount(main, url, ctx) || {} : notFound(main);
  current = {view, instance};
  if (moveFocus) focusHeading();
}

/** Goes to a same-site URL (pushState unless replace). */
export function navigate(href, {replace = false, state = null} = {}) {
  const url = new URL(href, location.href);
  if (replace) history.replaceState(state, '', url);
  else history.pushState(state, '', url);
  render(url);
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith('/v1/') || url.pathname.startsWith('/auth/')) return;
  if (!route(url.pathname) && url.pathname !== location.pathname) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  event.preventDefault();
  navigate(url.href);
});

window.addEventListener('popstate', () => {
  render(new URL(location.href));
});

function updateHeader() {
  const link = document.getElementById('nav-login');
  if (session.signedIn) {
    link.textContent = 'Log ud';
    link.setAttribute('aria-label', `Log ud (logget ind som ${session.principal})`);
    link.setAttribute('href', '/log-ind');
  } else if (session.open) {
    link.textContent = 'Uden log ind';
    link.setAttribute('aria-label', 'Uden log ind: alle har adgang til alt');
  } else {
    link.textContent = 'Log ind';
    link.removeAttribute('aria-label');
  }
}

onSessionChange(updateHeader);

loadSession().then(() => {
  updateHeader();
  render(new URL(location.href), {moveFocus: false});
});
