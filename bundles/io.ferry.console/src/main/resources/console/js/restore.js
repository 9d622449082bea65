// The restore page: pick a job repository, a disk or a VM, one of its restore points and a target name
// under restore.roots; POST /api/v1/restores writes it and the answer is shown. Restoring needs
// ferry-admin and verifying ferry-operator (as ferry:restore-disk and ferry:verify); other users see the
// restore points without the buttons, and the server refuses them anyway.
import {api, get, all, user, canOperate, ApiError} from './api.js';
import {h, fill, table, bytes, time, duration, sessionLink, message} from './dom.js';

function describeError(e) {
  if (e instanceof ApiError) {
    return (e.problem.title ? e.problem.title + ': ' : '') + e.message + (e.status ? ' (HTTP ' + e.status + ')' : '');
  }
  return String(e && e.message ? e.message : e);
}

/** Whether the user may restore (ferry-admin; the server checks again). */
function canRestore() {
  const login = user();
  return !!login && login.role === 'ferry-admin';
}

/** The VM of a backup: the job's label, else the first part of its chain key VM/LABEL. */
function vmOf(backup) {
  return (backup.labels && backup.labels.vm) || backup.disk.split('/')[0];
}

/** A file name for a restored disk: VM-LABEL-YYYYMMDD-HHMMSS.raw with odd characters as _. */
function defaultName(base, finished) {
  const stamp = (finished || '').replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return (base + (stamp ? '-' + stamp : '')).replace(/[^A-Za-z0-9._-]/g, '_');
}

export async function restorePage(view, params, done, query) {
  fill(view, h('h1', {}, 'Restore'));
  let repositories;
  try {
    repositories = (await all('/repositories')).filter(r => r.exists);
  } catch (e) {
    view.append(message('error', describeError(e)));
    return () => {};
  }
  if (repositories.length === 0) {
    view.append(message('info', 'No job has stored a backup yet: run a job first.'));
    return () => {};
  }

  const repositorySelect = h('select', {id: 'restore-repository'},
    repositories.map(r => h('option', {value: r.server}, r.server + ' (' + r.info.backups + ' backups, '
      + bytes(r.info.storedBytes) + ')')));
  if (query.get('repository')) repositorySelect.value = query.get('repository');
  const kindDisk = h('input', {type: 'radio', name: 'restore-kind', id: 'restore-kind-disk', value: 'disk', checked: true});
  const kindVm = h('input', {type: 'radio', name: 'restore-kind', id: 'restore-kind-vm', value: 'vm'});
  const pick = h('select', {id: 'restore-pick'});
  const points = h('div', {id: 'restore-points'});
  const target = h('input', {id: 'restore-target', size: 48, autocomplete: 'off'});
  const overwrite = h('input', {type: 'checkbox', id: 'restore-overwrite'});
  const result = h('div', {id: 'restore-result'});
  const verifyResult = h('div', {id: 'verify-result'});
  const submit = h('button', {class: 'primary', type: 'button', id: 'restore-submit'}, 'Restore');
  const verify = h('button', {type: 'button', id: 'verify'}, 'Verify repository');
  const repositoryFacts = h('p', {class: 'muted', id: 'restore-repository-facts'});

  let backups = [];
  let chosen = null; // {backup} for a disk, {session, finished} for a VM

  const kind = () => (kindVm.checked ? 'vm' : 'disk');

  const showPoints = () => {
    chosen = null;
    const key = pick.value;
    if (kind() === 'disk') {
      const mine = backups.filter(b => b.disk === key);
      fill(points, table('restore-points', [
        {title: '', cell: b => h('input', {type: 'radio', name: 'restore-point', value: b.id,
          onchange: () => choose({backup: b})})},
        {title: 'Backup', cell: b => h('span', {class: 'mono'}, b.id)},
        {title: 'Finished', cell: b => time(b.finished)},
        {title: 'Session', cell: b => b.labels && b.labels.session ? sessionLink(b.labels.session) : '–'},
        {title: 'Size', cell: b => bytes(b.size), num: true},
        {title: 'Read', cell: b => bytes(b.stats.readBytes), num: true},
        {title: 'Stored', cell: b => bytes(b.stats.storedBytes), num: true},
        {title: 'Parent', cell: b => b.parent ? h('span', {class: 'mono'}, b.parent) : 'full'},
        {title: 'Tracking', cell: b => b.stats.changeTracking || '–'},
      ], mine, 'No backup of this disk.'));
      if (mine.length) { points.querySelector('input').checked = true; choose({backup: mine[0]}); }
    } else {
      const sessions = new Map();
      for (const b of backups.filter(x => vmOf(x) === key)) {
        const id = (b.labels && b.labels.session) || b.id;
        if (!sessions.has(id)) sessions.set(id, {session: id, finished: b.finished, disks: [], size: 0, labelled: !!(b.labels && b.labels.session)});
        const s = sessions.get(id);
        s.disks.push(b.disk);
        s.size += b.size;
      }
      const list = [...sessions.values()].filter(s => s.labelled);
      fill(points, table('restore-points', [
        {title: '', cell: s => h('input', {type: 'radio', name: 'restore-point', value: s.session,
          onchange: () => choose(s)})},
        {title: 'Session', cell: s => sessionLink(s.session)},
        {title: 'Finished', cell: s => time(s.finished)},
        {title: 'Disks', cell: s => s.disks.join(', ')},
        {title: 'Size', cell: s => bytes(s.size), num: true},
      ], list, 'No session of a job backed up this VM.'));
      if (list.length) { points.querySelector('input').checked = true; choose(list[0]); }
    }
  };

  const choose = point => {
    chosen = point;
    target.value = point.backup ? defaultName(point.backup.disk.replace('/', '-'), point.backup.finished) + '.raw'
      : defaultName(pick.value, point.finished);
  };

  const fillPick = () => {
    const keys = kind() === 'disk' ? [...new Set(backups.map(b => b.disk))] : [...new Set(backups.map(vmOf))];
    keys.sort();
    fill(pick, keys.map(k => h('option', {value: k}, k)));
    showPoints();
  };

  const loadBackups = async () => {
    fill(result);
    fill(verifyResult);
    const repo = repositories.find(r => r.server === repositorySelect.value);
    fill(repositoryFacts, repo.info.path + ': ' + repo.info.backups + ' backups of ' + bytes(repo.info.logicalBytes)
      + ' in ' + bytes(repo.info.storedBytes) + '; jobs ' + repo.jobs.join(', '));
    try {
      // newest first; the console offers the latest 1000 restore points
      backups = (await get('/repositories/' + encodeURIComponent(repo.server) + '/backups?limit=1000')).items;
    } catch (e) {
      backups = [];
      fill(points, message('error', describeError(e)));
      return;
    }
    fillPick();
    if (query.get('disk') && [...pick.options].some(o => o.value === query.get('disk'))) {
      pick.value = query.get('disk');
      showPoints();
    }
  };

  submit.addEventListener('click', async () => {
    fill(result);
    if (!chosen) { fill(result, message('error', 'Pick a restore point first.')); return; }
    const body = kind() === 'disk'
      ? {repository: repositorySelect.value, backup: chosen.backup.id, target: target.value, overwrite: overwrite.checked}
      : {vm: pick.value, session: chosen.session, target: target.value, overwrite: overwrite.checked};
    submit.disabled = true;
    fill(result, message('info', 'Restoring…'));
    try {
      const r = (await api('POST', '/restores', body)).data;
      const disks = r.kind === 'vm' ? r.disks : [r];
      fill(result, message('info', 'Restored ' + (r.kind === 'vm' ? disks.length + ' disk(s) of VM ' + r.vm
        + ' from session ' + r.session : 'backup ' + r.backupId + ' of disk ' + r.disk) + '.'),
      table('restore-done', [
        {title: 'Backup', cell: d => h('span', {class: 'mono'}, d.backupId)},
        {title: 'Written to', cell: d => h('span', {class: 'mono restore-target'}, d.target)},
        {title: 'Size', cell: d => bytes(d.size), num: true},
        {title: 'Written', cell: d => h('span', {class: 'restore-written'}, bytes(d.writtenBytes)), num: true},
        {title: 'Holes or zeros', cell: d => bytes(d.zeroBytes), num: true},
        {title: 'Time', cell: d => duration(d.elapsedMillis), num: true},
      ], disks));
    } catch (e) {
      fill(result, message('error', 'Restore refused: ' + describeError(e)));
    } finally {
      submit.disabled = false;
    }
  });

  verify.addEventListener('click', async () => {
    verify.disabled = true;
    fill(verifyResult, message('info', 'Verifying every chunk…'));
    try {
      const r = (await api('POST', '/repositories/' + encodeURIComponent(repositorySelect.value) + '/verify')).data;
      fill(verifyResult, r.ok
        ? message('info', 'OK: ' + r.backups.length + ' backups, ' + r.chunks + ' chunks (' + bytes(r.bytes)
          + ') read back and checked in ' + duration(r.elapsedMillis) + '.')
        : message('error', 'FAILED: ' + r.problems.length + ' chunks missing or damaged; backups that cannot be'
          + ' restored intact: ' + r.brokenBackups.join(', ')));
    } catch (e) {
      fill(verifyResult, message('error', 'Verify refused: ' + describeError(e)));
    } finally {
      verify.disabled = false;
    }
  });

  repositorySelect.addEventListener('change', loadBackups);
  kindDisk.addEventListener('change', fillPick);
  kindVm.addEventListener('change', fillPick);
  pick.addEventListener('change', showPoints);

  const controls = canRestore()
    ? h('div', {class: 'restore-form'},
      h('label', {for: 'restore-target'}, 'Target (a name under restore.roots, e.g. data/ferry/restores)'), ' ', target,
      ' ', h('label', {}, overwrite, ' write over an existing file'),
      h('div', {class: 'actions'}, submit))
    : h('p', {class: 'muted', id: 'restore-readonly'}, 'You may browse the restore points; restoring needs the role'
      + ' ferry-admin.');

  view.append(
    h('section', {class: 'panel'},
      h('div', {class: 'toolbar'}, h('label', {for: 'restore-repository'}, 'Repository'), repositorySelect,
        canOperate() ? verify : null),
      repositoryFacts, verifyResult,
      h('div', {class: 'toolbar'}, h('label', {}, kindDisk, ' a disk'), h('label', {}, kindVm, ' a whole VM'), pick)),
    h('section', {class: 'panel'}, h('h2', {}, 'Restore points'), points, controls, result));
  await loadBackups();
  return () => {};
}
