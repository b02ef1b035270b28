/** Staff and drivers log in the same way: a form posts username and password, the session token is kept in localStorage. */
import type { Api } from './api';
import { $ } from './dom';

export interface LoginResponse {
  token: string;
  user: { id: number; username: string; name: string; role: 'admin' | 'dispatcher' | 'driver' };
}

/** Logs in with a username and password; keeps the session token under `storageKey`. */
export async function login(api: Api, storageKey: string, username: string, password: string): Promise<LoginResponse> {
  const session = await api.post<LoginResponse>('/auth/login', { username, password });
  localStorage.setItem(storageKey, session.token);
  api.setToken(session.token);
  return session;
}

/** `#login-form` (fields `username`, `password`) logs in and calls `loggedIn`; a refusal shows in `#login-error`. */
export function bindLoginForm(api: Api, storageKey: string, loggedIn: () => void | Promise<void>): void {
  const form = $('#login-form') as HTMLFormElement;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    try {
      await login(api, storageKey, field('username'), field('password'));
      $('#login-error').textContent = '';
      await loggedIn();
    } catch (error) {
      $('#login-error').textContent = (error as Error).message;
    }
  });
}

/** Ends the session on the server, best effort: the page forgets the token either way (`forgetSession`). */
export function logout(api: Api): void {
  void api.post('/auth/logout').catch(() => undefined);
}

/** Forgets the token: after logging out, or when the server no longer accepts it. */
export function forgetSession(api: Api, storageKey: string): void {
  api.setToken(null);
  localStorage.removeItem(storageKey);
}
