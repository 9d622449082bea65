// The console's pages. Each renders into the view and returns a function that stops its timers.
import {api, get, all, login, canOperate, ApiError} from './api.js';
import {h, fill, table, status, bytes, time, duration, sessionLink, jobLink, message, shortId} from './dom.js';
import {sessionBar} from './progress.js';
import {planPanel} from './plan.js';

const DASHBOARD_REFRESH_MILLIS = 5000;
const VM_PAGE = 50;

function describeError(e) {
  if (e instanceof ApiError) {
    return (e.problem.title ? e.problem.title + ': ' : '') + e.message + (e.status ? ' (HTTP ' + e.status + ')' : '');
  }
  return String(e && e.message ? e.message : e);
}

function failureNote(view, e) {
  view.append(message('error', describeError(e)));
}

// --- login ------------------------------------------------------------------------------------

export async function loginPage(view, params, done) {
  const userInput = h('input', {id: 'login-user', name: 'user', autocomplete: 'username', required: true, autofocus: true});
  const passwordInput = h('input', {id: 'login-password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true});
  const note = h('div', {id: 'login-message'});
  const form = h('form', {class: 'panel login', id: 'login-form'},
    h('h1', {}, 'Log in to Ferry'),
    h('label', {for: 'login-user'}, 'User'), userInput,
    h('label', {for: 'login-password'}, 'Password'), passwordInput,
    h('button', {class: 'primary', type: 'submit', id: 'login-submit'}, 'Log in'),
    note,
    h('p', {class: 'muted'}, 'A user of etc/users.properties with a Ferry role. After the first start the user ',
      h('span', {class: 'mono'}, 'admin'), ' has its password in ', h('span', {class: 'mono'}, 'etc/ferry-admin.password'), '.'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    fill(note);
    try {
      await login(userInput.value, passwordInput.value);
      passwordInput.value = '';
      done();
    } catch (e) {
      fill(note, message('error', e.status === 401 ? 'Wrong user or password.' : describeError(e)));
    }
  });
  fill(view, form);
  return () => {};
}

// --- dashboard ---------------------------------------------------------------------------------

function sessionsTable(sessions) {
  return table('sessions', [
    {title: 'Session', cell: s => sessionLink(s.id)},
    {title: 'Job', cell: s => jobLink(s.job)},
    {title: 'Trigger', cell: s => s.trigger},
    {title: 'Status', cell: s => status(s.status)},
    {title: 'Started', cell: s => time(s.started)},
    {title: 'Duration', cell: s => duration(s.durationMillis), num: true},
    {title: 'Disks', cell: s => s.totals ? s.totals.tasks : '–', num: true},
    {title: 'Read', cell: s => bytes(s.totals && s.totals.readBytes), num: true},
    {title: 'Stored', cell: s => bytes(s.totals && s.totals.storedBytes), num: true},
  ], sessions, 'No sessions yet: run a job from its page.');
}

export async function dashboardPage(view) {
  const running = h('div', {id: 'running'});
  const recent = h('div', {id: 'recent'});
  const failures = h('div', {id: 'failures'});
  fill(view, h('h1', {}, 'Dashboard'),
    h('section', {class: 'panel'}, h('h2', {}, 'Running'), running),
    h('section', {class: 'panel'}, h('h2', {}, 'Recent sessions'), recent),
    h('section', {class: 'panel'}, h('h2', {}, 'Failures'), failures));
  const bars = new Map();
  let timer = null;
  let stopped = false;

  const refresh = async () => {
    if (stopped) return;
    try {
      const page = await get('/sessions?limit=25');
      const sessions = page.items;
      fill(recent, sessionsTable(sessions));
      const live = sessions.filter(s => s.status === 'RUNNING');
      for (const s of live) {
        if (!bars.has(s.id)) bars.set(s.id, sessionBar(s, () => {}));
      }
      fill(running, live.length || bars.size ? [...bars.values()].map(b => b.element)
        : h('p', {class: 'muted'}, 'Nothing is running.'));
      const failed = sessions.filter(s => s.status === 'FAILED' || s.status === 'STOPPED');
      fill(failures, table('failures', [
        {title: 'Session', cell: s => sessionLink(s.id)},
        {title: 'Job', cell: s => jobLink(s.job)},
        {title: 'Status', cell: s => status(s.status)},
        {title: 'When', cell: s => time(s.finished || s.started)},
        {title: 'Why', cell: s => h('span', {class: 'reason'}, s.message)},
      ], failed, 'No failed or stopped session among the recent ones.'));
    } catch (e) {
      fill(recent, message('error', describeError(e)));
    }
    if (!stopped) timer = setTimeout(refresh, DASHBOARD_REFRESH_MILLIS);
  };
  await refresh();
  return () => { stopped = true; clearTimeout(timer); bars.forEach(b => b.stop()); };
}

// --- jobs --------------------------------------------------------------------------------------

export async function jobsPage(view) {
  fill(view, h('h1', {}, 'Jobs'));
  try {
    const jobs = await all('/jobs');
    view.append(table('jobs', [
      {title: 'Job', cell: j => jobLink(j.name)},
      {title: 'Platform', cell: j => j.platform},
      {title: 'VMs', cell: j => j.vms.join(', ')},
      {title: 'Repository', cell: j => j.repository},
      {title: 'Transport', cell: j => j.transportMode + (j.failoverToNetwork ? ' (failover to network)' : '')},
      {title: 'Schedule', cell: j => j.schedule || '–'},
    ], jobs, 'No jobs: create them with ferry:job-create or import an inventory.'));
  } catch (e) {
    failureNote(view, e);
  }
  return () => {};
}

/** Per-disk rows of a session: proxy, transport, why, change tracking, figures, status, error. */
function disksTable(tasks) {
  return table('disks', [
    {title: 'VM', cell: t => t.vm},
    {title: 'Disk', cell: t => t.disk},
    {title: 'Status', cell: t => status(t.status)},
    {title: 'Proxy', cell: t => t.proxy || '–'},
    {title: 'Transport', cell: t => t.transportMode || '–'},
    {title: 'Why', cell: t => h('span', {class: 'reason'}, t.reason || '–')},
    {title: 'Change tracking', cell: t => [t.changeTracking || '–',
      t.changeNote ? h('div', {class: 'muted change-note'}, t.changeNote) : null]},
    {title: 'Size', cell: t => bytes(t.sizeBytes), num: true},
    {title: 'Read', cell: t => bytes(t.readBytes), num: true},
    {title: 'Stored', cell: t => bytes(t.storedBytes), num: true},
    {title: 'Time', cell: t => duration(t.durationMillis), num: true},
    {title: 'Error / warnings', cell: t => [t.error ? h('div', {class: 'error'}, t.error) : null,
      (t.warnings || []).length ? h('ul', {class: 'plain'}, t.warnings.map(w => h('li', {}, w))) : null]},
  ], tasks, 'No disks in this session.');
}

function guestsTable(guests) {
  return table('guests', [
    {title: 'VM', cell: g => g.vm},
    {title: 'Status', cell: g => status(g.status)},
    {title: 'Proxy', cell: g => g.proxy || '–'},
    {title: 'Channel', cell: g => g.channel || '–'},
    {title: 'Executed', cell: g => g.executed ? 'yes' : 'no'},
    {title: 'Frozen', cell: g => g.frozenMillis ? g.frozenMillis + ' ms' : '–', num: true},
    {title: 'Detail', cell: g => g.detail},
  ], guests, 'No guest processing.');
}

export async function jobPage(view, params) {
  const name = params[0];
  const bars = [];
  const note = h('div', {id: 'job-message'});
  const current = h('div', {id: 'job-run'});
  const latest = h('div', {id: 'job-latest'});
  const history = h('div', {id: 'job-history'});
  fill(view, h('h1', {}, 'Job ', h('span', {class: 'mono'}, name)));
  let job;
  try {
    job = await get('/jobs/' + encodeURIComponent(name));
  } catch (e) {
    failureNote(view, e);
    return () => {};
  }

  const follow = session => {
    const bar = sessionBar(session, () => loadSessions());
    bars.push(bar);
    fill(current, bar.element);
  };
  const act = async (label, method, path) => {
    fill(note);
    try {
      const r = await api(method, path);
      if (r.status === 202) follow(r.data);
      else fill(note, message('info', label + ': ' + (r.data && r.data.message ? r.data.message : 'done')));
      await loadSessions();
    } catch (e) {
      fill(note, message('error', label + ' refused: ' + describeError(e)));
    }
  };
  let lastSession = null;
  const retryButton = h('button', {id: 'retry', type: 'button', disabled: true,
    onclick: () => lastSession && act('Retry', 'POST', '/sessions/' + encodeURIComponent(lastSession.id) + '/retry')},
  'Retry failed disks');
  const actions = canOperate() ? h('div', {class: 'actions', id: 'job-actions'},
    h('button', {id: 'run', class: 'primary', type: 'button',
      onclick: () => act('Run', 'POST', '/jobs/' + encodeURIComponent(name) + '/run')}, 'Run now'),
    h('button', {id: 'stop', class: 'danger', type: 'button',
      onclick: () => act('Stop', 'POST', '/jobs/' + encodeURIComponent(name) + '/stop')}, 'Stop'),
    retryButton) : h('p', {class: 'muted', id: 'job-readonly'}, 'You may view this job; running it needs the role ferry-operator.');

  view.append(
    h('section', {class: 'panel'}, h('dl', {class: 'facts'},
      h('dt', {}, 'Platform'), h('dd', {}, job.platform),
      h('dt', {}, 'VMs'), h('dd', {class: 'job-vms'}, job.vms.map(v => h('div', {}, v))),
      h('dt', {}, 'Repository'), h('dd', {}, job.repository),
      h('dt', {}, 'Proxies'), h('dd', {}, job.proxies.automatic ? 'automatic' : (job.proxies.servers || []).join(', ')),
      h('dt', {}, 'Transport'), h('dd', {}, job.transportMode + (job.failoverToNetwork ? ', failover to network' : '')),
      h('dt', {}, 'Guest processing'), h('dd', {}, job.guestProcessing.applicationAware ? 'application-aware' : 'crash-consistent',
        job.guestProcessing.indexing ? ', indexing' : '', job.guestProcessing.logProcessing ? ', log processing' : ''),
      h('dt', {}, 'Schedule'), h('dd', {}, job.schedule || '–'),
      h('dt', {}, 'Retention'), h('dd', {}, 'last ' + job.retention.keepLast + ', daily ' + job.retention.keepDaily
        + ', weekly ' + job.retention.keepWeekly + ', monthly ' + job.retention.keepMonthly)),
    actions, note, current),
    planPanel('/jobs/' + encodeURIComponent(name)),
    h('section', {class: 'panel'}, h('h2', {}, 'Disks of the last session'), latest),
    h('section', {class: 'panel'}, h('h2', {}, 'Sessions'), history));

  async function loadSessions() {
    try {
      const page = await get('/sessions?job=' + encodeURIComponent(job.name) + '&limit=10');
      fill(history, sessionsTable(page.items));
      if (page.items.length === 0) {
        fill(latest, h('p', {class: 'muted'}, 'The job has not run yet: its first session will show each disk\'s proxy,'
          + ' transport mode and why they were chosen.'));
        return;
      }
      lastSession = await get('/sessions/' + encodeURIComponent(page.items[0].id));
      retryButton.disabled = lastSession.status === 'RUNNING'
        || !(lastSession.tasks || []).some(t => t.status === 'FAILED' || t.status === 'STOPPED');
      fill(latest, h('p', {class: 'muted'}, 'Session ', sessionLink(lastSession.id), ' ', status(lastSession.status), ' ',
        time(lastSession.started)), disksTable(lastSession.tasks));
      if (lastSession.status === 'RUNNING' && bars.length === 0) follow(lastSession);
    } catch (e) {
      fill(history, message('error', describeError(e)));
    }
  }
  await loadSessions();
  return () => bars.forEach(b => b.stop());
}

// --- session -----------------------------------------------------------------------------------

export async function sessionPage(view, params) {
  const id = params[0];
  let bar = null;
  const render = async () => {
    let s;
    try {
      s = await get('/sessions/' + encodeURIComponent(id));
    } catch (e) {
      fill(view, h('h1', {}, 'Session ', shortId(id)));
      failureNote(view, e);
      return;
    }
    const note = h('div', {id: 'session-message'});
    const retryable = (s.tasks || []).some(t => t.status === 'FAILED' || t.status === 'STOPPED');
    fill(view, h('h1', {}, 'Session ', h('span', {class: 'mono', id: 'session-id'}, s.id)),
      h('section', {class: 'panel'}, h('dl', {class: 'facts'},
        h('dt', {}, 'Job'), h('dd', {}, jobLink(s.job)),
        h('dt', {}, 'Status'), h('dd', {id: 'session-status'}, status(s.status)),
        h('dt', {}, 'Summary'), h('dd', {class: 'reason'}, s.message),
        h('dt', {}, 'Trigger'), h('dd', {}, s.trigger, s.retryOf ? [' (retry of ', sessionLink(s.retryOf), ')'] : null),
        h('dt', {}, 'Started'), h('dd', {}, time(s.started)),
        h('dt', {}, 'Finished'), h('dd', {}, time(s.finished)),
        h('dt', {}, 'Duration'), h('dd', {}, duration(s.durationMillis)),
        h('dt', {}, 'Read / stored'), h('dd', {}, bytes(s.totals.readBytes) + ' / ' + bytes(s.totals.storedBytes)
          + ' (dedupe ' + s.totals.dedupeRatio + '×, compression ' + s.totals.compressionRatio + '×)')),
      s.status === 'RUNNING' ? h('div', {id: 'session-live'}) : null,
      canOperate() && s.status !== 'RUNNING' && retryable ? h('div', {class: 'actions'},
        h('button', {id: 'retry', type: 'button', onclick: async () => {
          try {
            const r = await api('POST', '/sessions/' + encodeURIComponent(s.id) + '/retry');
            location.hash = '#/sessions/' + encodeURIComponent(r.data.id);
          } catch (e) {
            fill(note, message('error', 'Retry refused: ' + describeError(e)));
          }
        }}, 'Retry failed disks')) : null, note),
      h('section', {class: 'panel'}, h('h2', {}, 'Disks'), disksTable(s.tasks)),
      h('section', {class: 'panel'}, h('h2', {}, 'Guest processing'), guestsTable(s.guests)));
    if (s.status === 'RUNNING') {
      bar = sessionBar(s, () => render());
      fill(view.querySelector('#session-live'), bar.element);
    }
  };
  await render();
  return () => bar && bar.stop();
}

// --- inventory ---------------------------------------------------------------------------------

export async function inventoryPage(view, params, done, query) {
  const tab = query.get('tab') || 'vms';
  fill(view, h('h1', {}, 'Inventory'), h('div', {class: 'tabs'},
    [['vms', 'VMs'], ['servers', 'Servers'], ['hosts', 'Hosts']].map(([key, title]) =>
      h('a', {href: '#/inventory?tab=' + key, class: key === tab ? 'current' : null, id: 'tab-' + key}, title))));
  const body = h('div', {});
  view.append(body);
  try {
    if (tab === 'servers') {
      const servers = await all('/servers');
      fill(body, table('servers', [
        {title: 'Server', cell: s => s.name},
        {title: 'Address', cell: s => s.address || '–'},
        {title: 'OS', cell: s => s.os || '–'},
        {title: 'Kind', cell: s => s.machineKind || '–'},
        {title: 'Site', cell: s => s.site || '–'},
        {title: 'Roles', cell: s => (s.roles || []).map(r => r.type + (r.enabled === false ? ' (disabled)' : '')).join(', ') || '–'},
        {title: 'Task slots', cell: s => s.maxConcurrentTasks ?? '–', num: true},
      ], servers, 'No servers.'));
    } else if (tab === 'hosts') {
      const hosts = await all('/hosts');
      fill(body, table('hosts', [
        {title: 'Host', cell: x => x.name},
        {title: 'Kind', cell: x => x.kind || '–'},
        {title: 'Address', cell: x => x.address || '–'},
        {title: 'Managed by', cell: x => x.parent || '–'},
        {title: 'Version', cell: x => x.platformVersion || '–'},
      ], hosts, 'No hosts.'));
    } else {
      await vmList(body, query);
    }
  } catch (e) {
    fill(body, message('error', describeError(e)));
  }
  return () => {};
}

async function vmList(body, query) {
  const contains = query.get('contains') || '';
  const host = query.get('host') || '';
  const offset = Math.max(0, parseInt(query.get('offset') || '0', 10) || 0);
  const search = h('input', {type: 'search', id: 'vm-search', placeholder: 'Name contains…', value: contains});
  const hosts = await all('/hosts');
  const hostSelect = h('select', {id: 'vm-host', name: 'host'}, h('option', {value: ''}, 'All hosts'),
    hosts.map(x => h('option', {value: x.name, selected: x.name === host}, x.name + (x.kind ? ' (' + x.kind + ')' : ''))));
  const go = (text, on, from) => {
    const q = new URLSearchParams({tab: 'vms'});
    if (text) q.set('contains', text);
    if (on) q.set('host', on);
    if (from) q.set('offset', String(from));
    location.hash = '#/inventory?' + q;
  };
  hostSelect.addEventListener('change', () => go(search.value.trim(), hostSelect.value, 0));
  const form = h('form', {class: 'toolbar', id: 'vm-search-form'}, search, hostSelect, h('button', {type: 'submit'}, 'Search'));
  form.addEventListener('submit', e => { e.preventDefault(); go(search.value.trim(), hostSelect.value, 0); });
  const q = new URLSearchParams({offset: String(offset), limit: String(VM_PAGE)});
  if (contains) q.set('contains', contains);
  if (host) q.set('host', host);
  const page = await get('/vms?' + q);
  const disks = vm => (vm.disks || []);
  const none = contains || host ? 'No VM' + (contains ? ' whose name contains "' + contains + '"' : '')
    + (host ? ' on ' + host : '') + '.' : 'No VMs.';
  fill(body, form, table('vms', [
    {title: 'VM', cell: v => h('a', {href: '#/vms/' + encodeURIComponent(v.name)}, v.name)},
    {title: 'Host', cell: v => v.host || '–'},
    {title: 'Guest OS', cell: v => v.guestOs || '–'},
    {title: 'Disks', cell: v => disks(v).length, num: true},
    {title: 'Capacity', cell: v => bytes(disks(v).reduce((n, d) => n + (d.capacityBytes || 0), 0)), num: true},
    {title: 'Networks', cell: v => (v.networks || []).join(', ')},
  ], page.items, none),
  h('div', {class: 'toolbar'},
    h('button', {type: 'button', id: 'vm-prev', disabled: offset === 0, onclick: () => go(contains, host, Math.max(0, offset - VM_PAGE))}, '‹ Previous'),
    h('span', {class: 'muted', id: 'vm-range'}, page.items.length ? (offset + 1) + '–' + (offset + page.items.length)
      + (page.total !== undefined && page.total !== null ? ' of ' + page.total : '') : ''),
    h('button', {type: 'button', id: 'vm-next', disabled: !page.next, onclick: () => go(contains, host, offset + VM_PAGE)}, 'Next ›')));
}

/** A VM: where it runs, its disks, and its plan now with each disk's explanation. */
export async function vmPage(view, params) {
  const name = params[0];
  fill(view, h('h1', {}, 'VM ', h('span', {class: 'mono'}, name)));
  let vm;
  try {
    vm = await get('/vms/' + encodeURIComponent(name));
  } catch (e) {
    failureNote(view, e);
    return () => {};
  }
  view.append(
    h('section', {class: 'panel'}, h('dl', {class: 'facts'},
      h('dt', {}, 'Host'), h('dd', {}, vm.host || '–'),
      h('dt', {}, 'Guest OS'), h('dd', {}, vm.guestOs || '–'),
      h('dt', {}, 'Networks'), h('dd', {}, (vm.networks || []).join(', ') || '–')),
    table('vm-disks', [
      {title: 'Disk', cell: d => d.label},
      {title: 'Capacity', cell: d => bytes(d.capacityBytes), num: true},
      {title: 'Format', cell: d => d.format || '–'},
      {title: 'Storage', cell: d => d.storage || '–'},
      {title: 'Location', cell: d => h('span', {class: 'mono'}, d.location || '–')},
    ], vm.disks, 'The VM has no disks.')),
    planPanel('/vms/' + encodeURIComponent(name)));
  return () => {};
}

// --- plugins and agents ------------------------------------------------------------------------

export async function pluginsPage(view) {
  fill(view, h('h1', {}, 'Plugins'));
  try {
    view.append(table('plugins', [
      {title: 'Bundle', cell: p => p.bundle},
      {title: 'State', cell: p => status(p.state)},
      {title: 'Platform', cell: p => p.platform || '–'},
      {title: 'SPI', cell: p => p.spiVersion},
      {title: 'Contributes', cell: p => h('ul', {class: 'plain'}, (p.contributions || []).map(c => h('li', {}, c)))},
      {title: 'Why', cell: p => p.reason || ''},
    ], await all('/plugins'), 'No plugins installed.'));
  } catch (e) {
    failureNote(view, e);
  }
  return () => {};
}

export async function agentsPage(view) {
  fill(view, h('h1', {}, 'Agents'));
  try {
    view.append(table('agents', [
      {title: 'Server', cell: a => a.server},
      {title: 'State', cell: a => status(a.state)},
      {title: 'Address', cell: a => a.address || '–'},
      {title: 'Last heartbeat', cell: a => a.lastHeartbeat ? time(a.lastHeartbeat) + ' (' + a.ageSeconds + ' s ago)' : '–'},
      {title: 'Running tasks', cell: a => a.runningTasks, num: true},
      {title: 'Version', cell: a => a.capabilities ? a.capabilities.ferryVersion : '–'},
      {title: 'Certificate expires', cell: a => time(a.certificateExpires)},
    ], await all('/agents'), 'No agents enrolled (./ferry agent enroll, docs/agents.md).'));
  } catch (e) {
    failureNote(view, e);
  }
  return () => {};
}
