/** Logging in and out: the login form, or the console with its controls. */
import type { Api } from '../../common/api';
import { $ } from '../../common/dom';
import { bindLoginForm, forgetSession, logout } from '../../common/session';

export interface Session {
  showLogin(): void;
  showConsole(): void;
}

/** `loggedIn` runs after a successful login; `loggedOut` whenever the login form is shown again. */
export function mountSession(api: Api, tokenKey: string, loggedIn: () => Promise<void>, loggedOut: () => void): Session {
  const show = (console: boolean) => {
    $('#login-form').classList.toggle('hidden', console);
    $('#controls').classList.toggle('hidden', !console);
    $('#console').classList.toggle('hidden', !console);
  };
  const showLogin = () => {
    forgetSession(api, tokenKey);
    loggedOut();
    show(false);
  };
  bindLoginForm(api, tokenKey, loggedIn);
  $('#logout').addEventListener('click', () => {
    logout(api);
    showLogin();
  });
  return { showLogin, showConsole: () => show(true) };
}
