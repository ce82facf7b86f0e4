// Suggestion lists: the diagnosis, procedure, other-possible and ruled-out rows with their decision
// buttons, and moving the current row (j/k, clicks, marks in the note), which brings
// that code's evidence forward.

import { domId, el, h } from './dom.js';
import { showEvidence } from './evidence.js';
import { isDx, state } from './state.js';
import { reasonText } from './vocabulary.js';

const onClaimList = (it) => it.origin === 'suggested' || it.origin === 'added';

/** Rows j/k walk through, in screen order; collapsed groups' rows only while open. */
export function navigableItems() {
  const dx = state.items.filter((it) => onClaimList(it) && isDx(it));
  const px = state.items.filter((it) => onClaimList(it) && !isDx(it));
  const maybe = el.possible.open ? state.items.filter((it) => it.origin === 'possible') : [];
  const out = el.ruledOut.open ? state.items.filter((it) => it.origin === 'excluded') : [];
  return [...dx, ...px, ...maybe, ...out];
}

function statusLabel(it) {
  if (it.decision === 'accepted') return ['accepted', 'Accepted'];
  if (it.decision === 'rejected') return ['rejected', 'Rejected'];
  if (it.decision === 'added') return ['added', 'Added by coder'];
  if (it.origin === 'excluded') return ['excluded', 'Ruled out'];
  if (it.origin === 'possible') return ['possible', 'Possible'];
  return ['pending', 'Undecided'];
}

function metaFor(it) {
  const [cls, label] = statusLabel(it);
  const evidence = it.evidence.length;
  const meta = [];
  if (it.score !== null && it.score !== undefined) {
    const pct = Math.round(it.score * 100);
    meta.push(h('span', { class: 'score', title: 'Model confidence' },
      h('span', { class: 'score-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${pct}%` })),
      ` ${pct}%`));
  }
  meta.push(h('span', { class: `badge ${cls}` }, label));
  if (it.origin === 'excluded' && it.reason) {
    meta.push(h('span', { class: 'reason' }, `Reason: ${reasonText(it.reason)}`));
  }
  if (it.origin !== 'added') {
    meta.push(h('span', null, evidence ? `${evidence} evidence span${evidence === 1 ? '' : 's'}` : 'no evidence span'));
  }
  return meta;
}

function actionsFor(it) {
  const locked = Boolean(state.submitted);
  if (it.origin === 'added') {
    return [h('button', {
      type: 'button', class: 'button secondary remove', 'data-action': 'remove', 'data-focus-id': `remove:${it.key}`,
      'aria-label': `Remove ${it.code}`, disabled: locked,
    }, 'Remove')];
  }
  return [
    h('button', {
      type: 'button', class: 'button secondary accept', 'data-action': 'accept',
      'data-focus-id': `accept:${it.key}`, 'aria-pressed': String(it.decision === 'accepted'),
      'aria-label': `Accept ${it.code}`, disabled: locked,
    }, 'Accept'),
    h('button', {
      type: 'button', class: 'button secondary reject', 'data-action': 'reject',
      'data-focus-id': `reject:${it.key}`, 'aria-pressed': String(it.decision === 'rejected'),
      'aria-label': `Reject ${it.code}`, disabled: locked,
    }, 'Reject'),
  ];
}

function rowFor(it) {
  const [cls] = statusLabel(it);
  const current = it.key === state.current;
  return h('li', {
    id: domId('row', it.key), class: `sugg is-${cls}${current ? ' is-current' : ''}`,
    'data-key': it.key, 'data-code': it.code, 'data-system': it.system,
    'data-decision': it.decision || '', tabindex: current ? '0' : '-1',
    'aria-current': current ? 'true' : null,
  },
  h('div', { class: 'sugg-main' },
    h('span', { class: 'sugg-code' }, it.code),
    h('span', { class: 'sugg-desc' }, it.description),
    h('div', { class: 'sugg-meta' }, metaFor(it))),
  h('div', { class: 'sugg-actions', role: 'group', 'aria-label': `Decision on ${it.code}` }, actionsFor(it)));
}

/** Redraws the three lists and their counts. */
export function renderLists() {
  const dx = state.items.filter((it) => onClaimList(it) && isDx(it));
  const px = state.items.filter((it) => onClaimList(it) && !isDx(it));
  const maybe = state.items.filter((it) => it.origin === 'possible');
  const out = state.items.filter((it) => it.origin === 'excluded');
  el.listDx.replaceChildren(...dx.map(rowFor));
  el.listPx.replaceChildren(...px.map(rowFor));
  el.listPossible.replaceChildren(...maybe.map(rowFor));
  el.listOut.replaceChildren(...out.map(rowFor));
  if (!dx.length) el.listDx.append(h('li', { class: 'hint' }, 'No diagnoses suggested.'));
  if (!px.length) el.listPx.append(h('li', { class: 'hint' }, 'No procedures suggested.'));
  el.dxCount.textContent = `(${dx.length})`;
  el.pxCount.textContent = `(${px.length})`;
  el.outCount.textContent = `(${out.length})`;
  el.ruledOut.hidden = out.length === 0;
  el.possibleCount.textContent = `(${maybe.length})`;
  el.possible.hidden = maybe.length === 0;
}

export function focusRow(key) {
  const row = document.getElementById(domId('row', key));
  if (row) { row.focus({ preventScroll: true }); row.scrollIntoView({ block: 'nearest' }); }
}

/** Makes `key` the current row (roving tabindex) and shows its evidence. */
export function setCurrent(key, { focus = true } = {}) {
  state.current = key;
  for (const row of document.querySelectorAll('.sugg')) {
    const on = row.dataset.key === key;
    row.classList.toggle('is-current', on);
    row.tabIndex = on ? 0 : -1;
    if (on) row.setAttribute('aria-current', 'true'); else row.removeAttribute('aria-current');
  }
  if (focus) focusRow(key);
  showEvidence(key);
}

/** j/k: the next or previous navigable row. */
export function move(delta) {
  const rows = navigableItems();
  if (!rows.length) return;
  let i = rows.findIndex((it) => it.key === state.current);
  i = i < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, i + delta));
  setCurrent(rows[i].key);
}

/** A click on a mark in the note selects the row of `code` (opening Ruled out if needed). */
export function selectCode(code) {
  const it = state.items.find((x) => x.code === code);
  if (!it) return;
  if (it.origin === 'excluded' && !el.ruledOut.open) el.ruledOut.open = true;
  if (it.origin === 'possible' && !el.possible.open) el.possible.open = true;
  setCurrent(it.key, { focus: false });
  const row = document.getElementById(domId('row', it.key));
  if (row) row.scrollIntoView({ block: 'nearest' });
}
