// Claim order: the accepted diagnoses in the order they go on the claim (the first is the
// primary one), moved with the arrow buttons or Alt+↑/↓, and the procedures after them.

import { announce, el, h } from './dom.js';
import { lockedMessage } from './decisions.js';
import { finalItems, itemByKey, render, state } from './state.js';

function orderRow(it, index, total, movable) {
  const children = [
    h('span', { class: 'sugg-code' }, it.code),
    h('span', { class: 'order-desc' }, it.description),
  ];
  if (movable) {
    children.push(
      h('button', {
        type: 'button', class: 'button ghost', 'data-action': 'up', 'data-focus-id': `up:${it.key}`,
        'aria-label': `Move ${it.code} up`, 'aria-disabled': index === 0 ? 'true' : null,
      }, '↑'),
      h('button', {
        type: 'button', class: 'button ghost', 'data-action': 'down', 'data-focus-id': `down:${it.key}`,
        'aria-label': `Move ${it.code} down`,
        'aria-disabled': index === total - 1 ? 'true' : null,
      }, '↓'));
  }
  return h('li', { 'data-key': it.key, 'data-code': it.code }, h('div', { class: 'order-row' }, children));
}

/** Redraws both order lists (diagnoses movable until the review is submitted). */
export function renderOrder() {
  const fin = finalItems();
  el.dxOrder.replaceChildren(
    ...fin.dx.map((it, i) => orderRow(it, i, fin.dx.length, !state.submitted)));
  el.pxOrder.replaceChildren(...fin.px.map((it, i) => orderRow(it, i, fin.px.length, false)));
  el.dxOrderEmpty.hidden = fin.dx.length > 0;
  el.pxOrderEmpty.hidden = fin.px.length > 0;
}

/** Moves an accepted diagnosis one place up (-1) or down (+1); false when it cannot. */
export function moveDx(key, delta) {
  if (state.submitted) { lockedMessage(); return false; }
  const i = state.dxOrder.indexOf(key);
  const it = itemByKey(key);
  if (i < 0 || !it) {
    announce('Only accepted diagnoses can be reordered.');
    return false;
  }
  const j = i + delta;
  if (j < 0 || j >= state.dxOrder.length) {
    announce(`${it.code} is already ${delta < 0 ? 'first' : 'last'}.`);
    return false;
  }
  [state.dxOrder[i], state.dxOrder[j]] = [state.dxOrder[j], state.dxOrder[i]];
  render();
  announce(`${it.code} moved to diagnosis ${j + 1} of ${state.dxOrder.length}.`);
  return true;
}

export function bindClaimOrder() {
  el.dxOrder.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button || button.getAttribute('aria-disabled') === 'true') return;
    const { key } = button.closest('li').dataset;
    const delta = button.dataset.action === 'up' ? -1 : 1;
    if (moveDx(key, delta)) {
      // Keep focus on a usable arrow after the row moved.
      const same = document.querySelector(`[data-focus-id="${CSS.escape(button.dataset.focusId)}"]`);
      const other = document.querySelector(`[data-focus-id="${CSS.escape(`${delta < 0 ? 'down' : 'up'}:${key}`)}"]`);
      if (same && same.getAttribute('aria-disabled') !== 'true') same.focus();
      else if (other) other.focus();
    }
  });
}
