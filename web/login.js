// Log ind (/log-ind): a token is exchanged for an HttpOnly session cookie.
// The page keeps only principal, roles and the CSRF token, in memory.

import {errorView, session, signIn, signOut} from './api.js';
import {fill, h, message} from './dom.js';

export function mount(main, url, ctx) {
  ctx.setTitle(session.signedIn ? 'Log ud' : 'Log ind');
  const box = h('div');
  main.append(h('h1', null, session.signedIn ? 'Du er logget ind' : 'Log ind'), box);
  render();

  function render() {
    if (session.open) {
      fill(box, h('p', null, 'Vejviseren kører uden log ind: alle har adgang til alt.'));
      return;
    }
    if (session.signedIn) {
      const out = h('button', {type: 'button', class: 'primary', id: 'logout'}, 'Log ud');
      out.addEventListener('click', async () => {
        try {
          await signOut();
          ctx.navigate('/log-ind', {replace: true});
          ctx.announce('Du er logget ud.');
        } catch (err) {
          box.append(errorView(err, 'logge ud'));
        }
      });
      fill(box,
        h('p', null, 'Logget ind som ', h('strong', {id: 'principal'}, session.principal), '.'),
        session.roles.length ? h('p', null, 'Roller: ', session.roles.map(roleName).join(', '), '.') : null,
        out);
      return;
    }
    const token = h('input', {type: 'password', id: 'token', name: 'token', autocomplete: 'off',
      required: true, 'aria-describedby': 'token-hint'});
    const result = h('div');
    const form = h('form', {class: 'login-form'},
      h('div', {class: 'field'}, h('label', {for: 'token'}, 'Din adgangsnøgle'),
        h('span', {class: 'hint', id: 'token-hint'},
          'Adgangsnøglen får du af din leder eller IT-kontakt. Den gemmes ikke i browseren.'),
        token),
      h('button', {type: 'submit', class: 'primary'}, 'Log ind'), result);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!token.value.trim()) {
        fill(result, message('error', h('p', null, 'Skriv din adgangsnøgle.')));
        token.focus();
        return;
      }
      try {
        await signIn(token.value.trim());
        token.value = '';
        ctx.announce(`Du er logget ind som ${session.principal}.`);
        ctx.rerender();
      } catch (err) {
        fill(result, err.status === 401
          ? message('error', h('p', null, 'Adgangsnøglen kendes ikke. Tjek den, og prøv igen.'))
          : errorView(err, 'logge ind'));
        token.focus();
      }
    });
    fill(box, session.anonymousSearch
      ? h('p', null, 'Du kan søge uden at logge ind. Log ind for at se poster, kontaktoplysninger, ' +
        'booke praktik og rette din enheds oplysninger.')
      : h('p', null, 'Log ind for at bruge vejviseren.'), form);
  }
  return {};
}

function roleName(role) {
  return {reader: 'læser', booker: 'kan booke praktik', editor: 'redaktør', admin: 'administrator',
    sync: 'system'}[role] || role;
}
