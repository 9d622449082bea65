// The plan of a job as the selection service makes it now: per VM and disk the proxy, the transport
// mode and why; each disk opens to its explanation (the transport negotiation, the fallback chain, and
// every candidate with every rule's verdict); a what-if plans the job on a changed copy of the inventory.
import {get} from './api.js';
import {h, fill, table, status, message} from './dom.js';

/** One rule's verdict: passed or not, the reason, the seed it comes from. */
function verdict(v) {
  return h('li', {class: v.passed ? 'verdict passed' : 'verdict failed'},
    h('span', {class: 'mark'}, v.passed ? '✓ ' : '✗ '), h('span', {class: 'mono'}, v.rule), ': ', v.reason,
    v.seed ? h('span', {class: 'muted'}, ' (seed ' + v.seed + ')') : null);
}

function candidatesTable(candidates) {
  return table('candidates', [
    {title: 'Server', cell: c => h('span', {class: 'mono'}, c.server)},
    {title: 'Eligible', cell: c => c.eligible ? 'yes' : 'no'},
    {title: 'Tier', cell: c => c.tier, num: true},
    {title: 'Tasks', cell: c => c.runningTasks + ' / ' + c.taskSlots, num: true},
    {title: 'Rules', cell: c => h('ul', {class: 'plain verdicts'}, (c.verdicts || []).map(verdict))},
  ], candidates, 'No server was considered.');
}

/** The transport negotiation in preference order: what was tried, what was taken, what is only a fallback. */
function negotiation(steps) {
  if (!steps || steps.length === 0) return h('p', {class: 'muted'}, 'No transport mode was negotiated.');
  return h('ol', {class: 'negotiation'}, steps.map(s => h('li', {class: s.available ? 'available' : 'unavailable'},
    h('span', {class: 'mono'}, s.mode), ': ', s.available ? 'available' : 'not available', ' – ', s.reason,
    s.fallback ? h('strong', {}, ' (fallback)') : null)));
}

/** A disk's explanation, closed until opened. */
function explanation(vm, d) {
  return h('details', {class: 'explain', 'data-disk': vm.vm + '/' + d.disk},
    h('summary', {}, 'Why?'),
    h('h4', {}, 'Transport negotiation with ', d.proxy || 'no proxy'), negotiation(d.negotiation),
    h('h4', {}, 'Candidates, best first'), candidatesTable(d.candidates));
}

function warnings(list) {
  return (list || []).length ? h('ul', {class: 'plain warnings'}, list.map(w => h('li', {}, w))) : '–';
}

function guestLine(vm) {
  const g = vm.guestInteraction;
  if (!g) return null;
  return h('p', {class: 'guest-decision'}, h('strong', {}, 'Guest interaction: '), status(g.status), ' ',
    g.proxy ? h('span', {class: 'mono'}, g.proxy) : '', ' – ', g.reason,
    g.failoverProxy ? ' (if it cannot connect, ' + g.failoverProxy + ' takes over: seed 001)' : '');
}

/** The plan: its warnings, then per VM the guest interaction and the disks with their explanations. */
export function planView(plan) {
  const parts = [];
  if ((plan.warnings || []).length) parts.push(message('info', plan.warnings.join(' ')));
  if ((plan.unservedPlatforms || []).length) {
    parts.push(message('error', 'No plugin serves ' + plan.unservedPlatforms.join(', ') + ': those VMs cannot be planned.'));
  }
  for (const vm of plan.vms || []) {
    parts.push(h('div', {class: 'vm-plan', 'data-vm': vm.vm},
      h('h3', {}, vm.vm, ' ', h('span', {class: 'muted'}, vm.platform + (vm.host ? ' on ' + vm.host : ''))),
      guestLine(vm),
      table('plan-disks', [
        {title: 'Disk', cell: d => d.disk},
        {title: 'Status', cell: d => status(d.status)},
        {title: 'Proxy', cell: d => d.proxy || '–'},
        {title: 'Transport', cell: d => d.transportMode || '–'},
        {title: 'Wave', cell: d => d.wave, num: true},
        {title: 'Why', cell: d => [h('span', {class: 'reason'}, d.reason), explanation(vm, d)]},
        {title: 'Warnings', cell: d => warnings(d.warnings)},
      ], vm.disks, 'The VM has no disks.')));
  }
  if (parts.length === 0) parts.push(h('p', {class: 'muted'}, 'The plan has no VMs.'));
  return parts;
}

function changesTable(changes) {
  return table('what-if-changes', [
    {title: 'VM', cell: c => c.vm},
    {title: 'What', cell: c => c.item},
    {title: 'Today', cell: c => c.before},
    {title: 'Then', cell: c => c.after},
  ], changes, 'Nothing would change.');
}

/**
 * The plan panel of a job (or VM): "/jobs/NAME" or "/vms/NAME". Loads the plan now, and offers the
 * what-if: "remove px-02; slots px-01=8; fail-transport hotadd".
 */
export function planPanel(subject) {
  const body = h('div', {id: 'plan'}, h('p', {class: 'muted'}, 'Planning…'));
  const input = h('input', {id: 'what-if-input', name: 'change', size: 48,
    placeholder: 'remove px-02; slots px-01=8; fail-transport hotadd'});
  const result = h('div', {id: 'what-if-result'});
  const form = h('form', {id: 'what-if-form', class: 'inline'},
    h('label', {for: 'what-if-input'}, 'What if '), input, ' ', h('button', {type: 'submit'}, 'Plan it'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    fill(result, h('p', {class: 'muted'}, 'Planning…'));
    try {
      const w = await get(subject + '/what-if?change=' + encodeURIComponent(input.value));
      fill(result, changesTable(w.changes));
    } catch (e) {
      fill(result, message('error', e.message || String(e)));
    }
  });
  const load = async () => {
    try {
      fill(body, planView(await get(subject + '/plan')));
    } catch (e) {
      fill(body, message('error', 'The plan cannot be made: ' + (e.message || String(e))));
    }
  };
  load();
  return h('section', {class: 'panel', id: 'plan-panel'},
    h('h2', {}, 'Plan now: proxy and transport mode per disk'),
    h('p', {class: 'muted'}, 'What the selection decides with today\'s inventory and load; open "Why?" on a disk for'
      + ' the transport negotiation and every candidate with every rule\'s verdict.'),
    body, form, result);
}
