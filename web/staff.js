// The staff pages (the desk, the dashboard, the policy console): an admin-API staff token, kept for this browser tab only and sent
// with every call, and the sign-in form that asks for it when it is missing or refused.
import { el, apiError } from './dom.js';

const KEY = 'staff-token';
let token = sessionStorage.getItem(KEY) || '';

export const signedIn = () => Boolean(token);

export async function staffCall(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });
  if (!res.ok) throw await apiError(res);
  return res.json();
}

// replaces root's content with the form; `then` runs once a token is given. words: { title, label, button }
export function signIn(root, words, then, message) {
  const input = el('input', { type: 'password', autocomplete: 'off', placeholder: words.label, 'aria-label': words.label });
  const form = el('form', { class: 'staff-login' }, el('h2', {}, words.title), input, el('button', {}, words.button),
    message ? el('div', { class: 'staff-error', role: 'alert' }, message) : null);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    token = input.value.trim();
    sessionStorage.setItem(KEY, token);
    then();
  });
  root.replaceChildren(form);
}
