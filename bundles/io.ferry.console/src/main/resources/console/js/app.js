// The console's shell: hash routing, the header with the user and the logout button.
import {restoreLogin, logout, onLoginChange, user} from './api.js';
import {fill, h, message} from './dom.js';
import {loginPage, dashboardPage, jobsPage, jobPage, sessionPage, inventoryPage, vmPage, pluginsPage, agentsPage} from './pages.js';
import {checksPage} from './checks.js';
import {restorePage} from './restore.js';

const ROUTES = [
  [/^$/, 'dashboard', dashboardPage],
  [/^jobs$/, 'jobs', jobsPage],
  [/^jobs\/([^/]+)$/, 'jobs', jobPage],
  [/^sessions\/([^/]+)$/, 'dashboard', sessionPage],
  [/^inventory$/, 'inventory', inventoryPage],
  [/^vms\/([^/]+)$/, 'inventory', vmPage],
  [/^plugins$/, 'plugins', pluginsPage],
  [/^agents$/, 'agents', agentsPage],
  [/^checks$/, 'checks', checksPage],
  [/^restore$/, 'restore', restorePage],
];

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const logoutButton = document.getElementById('logout');
let cleanup = () => {};
let generation = 0;

function header(login) {
  nav.hidden = !login;
  logoutButton.hidden = !login;
  fill(who, login ? [h('span', {id: 'who-user'}, login.user), ' ', h('span', {class: 'muted', id: 'who-role'}, '(' + login.role + ')')] : []);
}

async function show() {
  cleanup();
  cleanup = () => {};
  const mine = ++generation;
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const [path, queryText] = hash.split('?');
  const query = new URLSearchParams(queryText || '');
  if (!user()) {
    cleanup = await loginPage(view, [], () => show());
    return;
  }
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  nav.querySelectorAll('a').forEach(a => a.classList.toggle('current', !!route && a.dataset.page === route[1]));
  if (!route) {
    fill(view, message('error', 'No such page: #/' + path), h('p', {}, h('a', {href: '#/'}, 'To the dashboard')));
    return;
  }
  const params = path.match(route[0]).slice(1);
  const stop = await route[2](view, params, () => show(), query);
  if (mine === generation) cleanup = stop;
  else stop(); // the user moved on while the page loaded
}

onLoginChange(login => {
  header(login);
  if (!login) show();
});
logoutButton.addEventListener('click', async () => {
  try {
    await logout();
  } finally {
    location.hash = '#/';
  }
});
window.addEventListener('hashchange', () => show());

restoreLogin().then(() => show(), e => fill(view, message('error', 'Ferry does not answer: ' + e.message)));
