// Live progress of a running session: the server's event stream (GET /api/v1/sessions/{id}/events,
// Server-Sent Events) until it ends; where that is not possible, GET /api/v1/sessions/{id} every second.
import {get} from './api.js';
import {h, fill, bytes, status, sessionLink} from './dom.js';

export const POLL_MILLIS = 1000;

/** How far a session is, 0..100, from its tasks' live progress (bytes), else from finished tasks. */
export function percent(session) {
  if (session.status !== 'RUNNING') return 100;
  const progress = session.progress || [];
  let done = 0, total = 0;
  for (const p of progress) {
    if (p.totalBytes > 0) {
      total += p.totalBytes;
      done += ['SUCCESS', 'WARNING', 'FAILED', 'STOPPED', 'SKIPPED', 'NOT_EXECUTED'].includes(p.status)
        ? p.totalBytes : Math.min(p.doneBytes || 0, p.totalBytes);
    }
  }
  if (total > 0) return Math.min(99, Math.floor(100 * done / total));
  const tasks = session.tasks || [];
  const finished = tasks.filter(t => !['QUEUED', 'RUNNING'].includes(t.status)).length;
  return tasks.length ? Math.min(99, Math.floor(100 * finished / tasks.length)) : 0;
}

/**
 * A progress bar for one session that follows it to its end; returns {element, stop}.
 * onEnd(session) is called once when it has finished.
 */
export function sessionBar(session, onEnd) {
  const bar = h('progress', {max: 100, value: 0, class: 'session-progress', 'data-session': session.id});
  const label = h('span', {class: 'progress-label'});
  const badge = h('span', {class: 'progress-status'});
  const element = h('div', {class: 'run', 'data-session': session.id},
    h('span', {}, sessionLink(session.id), ' ', session.job), bar, h('span', {}, badge, ' ', label));
  let timer = null;
  let source = null;
  let stopped = false;
  let ended = false;

  const show = s => {
    const pct = percent(s);
    bar.value = pct;
    bar.setAttribute('data-status', s.status);
    bar.setAttribute('aria-valuenow', String(pct));
    fill(badge, status(s.status));
    const read = (s.progress || []).reduce((sum, p) => sum + (p.readBytes || 0), 0);
    fill(label, pct + ' %' + (s.status === 'RUNNING' && read ? ', ' + bytes(read) + ' read' : ''));
    if (s.status !== 'RUNNING' && !ended) {
      ended = true;
      if (onEnd) onEnd(s);
    }
  };

  const poll = async () => {
    if (stopped) return;
    try {
      const s = await get('/sessions/' + encodeURIComponent(session.id));
      show(s);
      if (s.status !== 'RUNNING') return;
    } catch (e) {
      fill(label, 'cannot read the session: ' + e.message);
    }
    if (!stopped) timer = setTimeout(poll, POLL_MILLIS);
  };

  // the stream sends the session again on every change, then "end" with its final state
  const follow = () => {
    if (typeof EventSource === 'undefined') {
      timer = setTimeout(poll, POLL_MILLIS);
      return;
    }
    source = new EventSource('/api/v1/sessions/' + encodeURIComponent(session.id) + '/events');
    const take = e => {
      try {
        show(JSON.parse(e.data));
      } catch (x) {
        fill(label, 'cannot read the session: ' + x.message);
      }
    };
    source.addEventListener('session', take);
    source.addEventListener('end', e => { take(e); source.close(); });
    source.addEventListener('gone', () => { source.close(); fill(label, 'the session was deleted'); });
    source.onerror = () => {
      source.close();
      if (!ended && !stopped) timer = setTimeout(poll, POLL_MILLIS); // the stream broke: poll instead
    };
  };

  show(session);
  if (session.status === 'RUNNING') follow();
  return {element, stop() { stopped = true; clearTimeout(timer); if (source) source.close(); }};
}
