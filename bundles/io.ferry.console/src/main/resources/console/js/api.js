// The API at /api/v1, as the logged-in console user: the ferry_session cookie (HttpOnly, so
// this code never sees it) authenticates, the CSRF token from POST/GET /session goes with
// every change in X-Ferry-CSRF.

let csrfToken = null;
let current = null;
const listeners = new Set();

/** An error answer of the API: status and its application/problem+json document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

/** Calls fn(user) whenever the login changes (null: logged out or expired). */
export function onLoginChange(fn) {
  listeners.add(fn);
}

function setLogin(login) {
  current = login;
  csrfToken = login ? login.csrfToken : null;
  listeners.forEach(fn => fn(current));
}

export function user() {
  return current;
}

/** Whether the user may run, stop and retry jobs (the server checks again). */
export function canOperate() {
  return !!current && (current.role === 'ferry-operator' || current.role === 'ferry-admin');
}

/** One call; resolves to {status, data, location}, rejects with ApiError. */
export async function api(method, path, body) {
  const headers = {'Accept': 'application/json'};
  if (method !== 'GET' && csrfToken) headers['X-Ferry-CSRF'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = {detail: text}; }
  }
  if (!response.ok) {
    if (response.status === 401 && path !== '/session' && current) setLogin(null); // the login expired
    throw new ApiError(response.status, data);
  }
  return {status: response.status, data, location: response.headers.get('Location')};
}

export async function get(path) {
  return (await api('GET', path)).data;
}

export async function login(name, password) {
  const r = await api('POST', '/session', {user: name, password});
  setLogin(r.data);
  return r.data;
}

/** Who is logged in (after a reload the cookie is still there): the login, or null. */
export async function restoreLogin() {
  try {
    const r = await api('GET', '/session');
    setLogin(r.data.login === 'session' ? r.data : null);
  } catch (e) {
    if (e.status !== 401) throw e;
    setLogin(null);
  }
  return current;
}

export async function logout() {
  try {
    await api('DELETE', '/session');
  } finally {
    setLogin(null);
  }
}

/** Every item of a paged list (for short lists: jobs, servers, plugins, agents). */
export async function all(path) {
  const items = [];
  let next = '/api/v1' + path + (path.includes('?') ? '&' : '?') + 'limit=1000';
  while (next) {
    const page = await get(next.slice('/api/v1'.length));
    items.push(...page.items);
    next = page.next;
  }
  return items;
}
