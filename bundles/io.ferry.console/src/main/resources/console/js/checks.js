// Readiness: every server and role it holds, each requirement of its platform checked, the fix for a failure.
import {get} from './api.js';
import {h, fill, table, message} from './dom.js';

function resultsTable(results) {
  return table('check-results', [
    {title: '', cell: c => h('span', {class: c.ok ? 'verdict passed' : 'verdict failed'}, c.ok ? '✓' : '✗')},
    {title: 'Check', cell: c => h('span', {class: 'mono'}, c.check)},
    {title: 'Severity', cell: c => c.ok ? '–' : c.severity},
    {title: 'Detail', cell: c => c.detail},
    {title: 'Fix', cell: c => c.ok ? '' : h('span', {class: 'fix'}, c.fix || '–')},
    {title: 'Seed', cell: c => c.seed || ''},
  ], results, 'Nothing to check.');
}

/** The checks page: failed reports first; "only failures" hides the passed checks. */
export async function checksPage(view, params, done, query) {
  const onlyFailures = query.get('failures') === '1';
  const box = h('input', {type: 'checkbox', id: 'only-failures', checked: onlyFailures,
    onchange: () => { location.hash = '#/checks' + (box.checked ? '?failures=1' : ''); }});
  const body = h('div', {id: 'checks'}, h('p', {class: 'muted'}, 'Checking…'));
  fill(view, h('h1', {}, 'Checks'),
    h('p', {class: 'muted'}, 'Whether each server meets the requirements of the roles it holds (ferry:check).'),
    h('label', {class: 'inline'}, box, ' only failures'), body);
  try {
    const reports = await get('/checks');
    const failed = reports.filter(r => !r.ready);
    const shown = (onlyFailures ? failed : reports).slice().sort((a, b) => Number(a.ready) - Number(b.ready));
    fill(body,
      message(failed.length ? 'error' : 'info', failed.length
        ? failed.length + ' of ' + reports.length + ' server roles are not ready: each failure says how to fix it.'
        : 'All ' + reports.length + ' server roles are ready.'),
      shown.map(r => h('section', {class: 'panel readiness ' + (r.ready ? 'ready' : 'not-ready'), 'data-server': r.server},
        h('h2', {}, h('span', {class: 'mono'}, r.server), ' as ', r.role, ' ',
          h('span', {class: 'status ' + (r.ready ? 'SUCCESS' : 'FAILED')}, r.ready ? 'ready' : 'not ready')),
        resultsTable(onlyFailures ? r.results.filter(c => !c.ok) : r.results))));
  } catch (e) {
    fill(body, message('error', e.message || String(e)));
  }
  return () => {};
}
