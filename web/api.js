// The HTTP/JSON API of sofdir-server and the signed-in session. The session
// (principal, roles, CSRF token) lives in memory only; the session itself is
// an HttpOnly cookie the page never sees.

import {h} from './dom.js';

export const session = {
  known: false,
  signedIn: false,
  open: false,            // no --auth-config: everybody may do everything
  anonymousSearch: false,
  principal: '',
  roles: [],
  units: [],
  csrfToken: '',
};

const listeners = new Set();
export function onSessionChange(fn) {
  listeners.add(fn);
}

function setSession(json) {
  session.known = true;
  session.signedIn = Boolean(json.signedIn);
  session.open = Boolean(json.open);
  session.anonymousSearch = Boolean(json.anonymousSearch);
  session.principal = json.principal || '';
  session.roles = Array.isArray(json.roles) ? json.roles : [];
  session.units = Array.isArray(json.units) ? json.units : [];
  session.csrfToken = json.csrfToken || '';
  for (const fn of listeners) fn(session);
}

export function hasRole(role) {
  return session.open || session.roles.includes('admin') || session.roles.includes(role);
}

export function isAdmin() {
  return session.open || session.roles.includes('admin');
}

/** May the caller edit records of a unit whose chain (self first) is given? */
export function mayEdit(unitChain) {
  if (isAdmin()) return true;
  if (!session.roles.includes('editor')) return false;
  return unitChain.some((id) => session.units.includes(id));
}

/** An API error with the HTTP status and the google.rpc status name. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || String(status));
    this.status = status;
    this.code = code || '';
    this.detail = message || '';
  }
}

/**
 * Calls the API. path includes the query; body (an object) is sent as JSON.
 * Every call that is not GET sends the CSRF token. Returns the parsed JSON
 * (or the raw Response when raw is set); throws ApiError.
 */
export async function api(method, path, body, {signal} = {}) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && session.csrfToken) {
    headers['X-CSRF-Token'] = session.csrfToken;
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'UNAVAILABLE', 'Serveren svarer ikke.');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (err) {
      json = null;
    }
  }
  if (!response.ok) {
    const e = (json && json.error) || {};
    throw new ApiError(response.status, e.status, e.message || text.slice(0, 200));
  }
  return json || {};
}

/** Builds '?a=1&b=2&b=3' from an object; arrays repeat, empty values drop. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value)) value.forEach((v) => q.append(key, v));
    else q.append(key, String(value));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function loadSession() {
  try {
    setSession(await api('GET', '/auth/session'));
  } catch (err) {
    setSession({signedIn: false});
  }
  return session;
}

export async function signIn(token) {
  const json = await api('POST', '/auth/session', {token});
  setSession(json);
  return session;
}

export async function signOut() {
  try {
    await api('DELETE', '/auth/session');
  } finally {
    setSession({signedIn: false, anonymousSearch: session.anonymousSearch, open: session.open});
  }
}

/** A Danish explanation of an error, for people. */
export function errorView(err, what) {
  const box = h('div', {class: 'msg msg-error', role: 'alert'});
  const status = err instanceof ApiError ? err.status : 0;
  if (status === 401) {
    box.append(h('p', null, `Du skal logge ind for at ${what || 'se dette'}. `,
      h('a', {href: '/log-ind'}, 'Log ind')));
  } else if (status === 403) {
    box.append(h('p', null, `Du har ikke rettighed til at ${what || 'se dette'}. ` +
      'Kontakt din leder eller en administrator, hvis du mener, du burde have adgang.'));
  } else if (status === 404) {
    box.append(h('p', null, 'Det, du leder efter, findes ikke (længere).'));
  } else if (status === 429) {
    box.append(h('p', null, 'Der er travlt lige nu. Vent et øjeblik, og prøv igen.'));
  } else if (status === 0) {
    box.append(h('p', null, 'Der er ingen forbindelse til vejviseren. Prøv igen om lidt.'));
  } else if (status === 400) {
    box.append(h('p', null, 'Oplysningerne kunne ikke bruges. Ret dem, og prøv igen.'));
  } else {
    box.append(h('p', null, 'Der skete en fejl. Prøv igen om lidt.'));
  }
  if (err instanceof ApiError && err.detail && status !== 404) {
    box.append(h('p', {class: 'detail'}, 'Teknisk besked: ', err.detail));
  }
  return box;
}
