// Building the pages from data with DOM nodes only (no HTML strings): every value from the API becomes a text node.

/** An element: h('a', {href: '#/x', class: 'y'}, 'text', childElement, [more]). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = value;
    } else if (name in el && typeof value !== 'string') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of an element. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table: columns [{title, cell: item => node|text, num}], rows items. */
export function table(className, columns, items, empty = 'None.') {
  if (!items || items.length === 0) return h('p', {class: 'muted ' + className + '-empty'}, empty);
  return h('table', {class: className},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', {class: c.num ? 'num' : null}, c.title)))),
    h('tbody', {}, items.map(item => h('tr', {}, columns.map(c => h('td', {class: c.num ? 'num' : null}, c.cell(item)))))));
}

export function status(value) {
  return h('span', {class: 'status ' + value}, value ?? '–');
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = Number(n), u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return (u === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[u];
}

export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, {dateStyle: 'short', timeStyle: 'medium'});
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  return m < 60 ? m + ' min ' + (s % 60) + ' s' : Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '–';
}

export function sessionLink(id) {
  return h('a', {href: '#/sessions/' + encodeURIComponent(id), class: 'mono'}, shortId(id));
}

export function jobLink(name) {
  return h('a', {href: '#/jobs/' + encodeURIComponent(name)}, name);
}

/** A message box (error or info). */
export function message(kind, text) {
  return h('div', {class: 'message ' + kind, role: kind === 'error' ? 'alert' : 'status'}, text);
}
