// Decisions on review items: accept, reject, undo, accept all undecided, add a code found
// by search and remove it again. Each change updates the claim order and announces itself.

import { announce, el, showAlert } from './dom.js';
import { showEvidence } from './evidence.js';
import { navigableItems, setCurrent } from './suggestions.js';
import { isDx, itemByKey, keyOf, render, state, undecidedItems } from './state.js';

export function lockedMessage() {
  announce('This review is submitted. Start a new note to review again.');
}

/** Sets the decision on `key` (null = undecided); `advance` moves to the next row. */
export function decide(key, decision, { advance = false } = {}) {
  if (state.submitted) { lockedMessage(); return; }
  const it = itemByKey(key);
  if (!it) return;
  if (it.origin === 'added') {
    if (decision === null) removeAdded(key);
    return;
  }
  it.decision = decision;
  if (isDx(it)) {
    const inOrder = state.dxOrder.includes(key);
    if (decision === 'accepted' && !inOrder) state.dxOrder.push(key);
    if (decision !== 'accepted' && inOrder) state.dxOrder = state.dxOrder.filter((k) => k !== key);
  }
  state.confirmUndecided = false;
  showAlert(el.submitConfirm, '');
  render();
  const word = decision === null ? 'undecided' : decision;
  let where = '';
  if (decision === 'accepted' && isDx(it)) {
    where = `, diagnosis ${state.dxOrder.indexOf(key) + 1} of ${state.dxOrder.length}`;
  }
  announce(`${it.code} ${word}${where}.`);
  if (advance) {
    const rows = navigableItems();
    const i = rows.findIndex((r) => r.key === key);
    if (i >= 0 && i + 1 < rows.length) setCurrent(rows[i + 1].key);
    else setCurrent(key);
  }
}

export function acceptRest() {
  if (state.submitted) { lockedMessage(); return; }
  const undecided = undecidedItems();
  for (const it of undecided) {
    it.decision = 'accepted';
    if (isDx(it) && !state.dxOrder.includes(it.key)) state.dxOrder.push(it.key);
  }
  render();
  announce(`Accepted ${undecided.length} suggestion${undecided.length === 1 ? '' : 's'}.`);
}

/** Adds a search hit to the claim, or accepts it when it was already suggested. */
export function addCode(hit) {
  if (state.submitted) { lockedMessage(); return; }
  const key = keyOf(hit.system, hit.code);
  const existing = itemByKey(key);
  if (existing) {
    if (existing.origin === 'added' || existing.decision === 'accepted') {
      announce(`${hit.code} is already on the claim.`);
    } else {
      if (existing.origin === 'excluded') el.ruledOut.open = true;
      if (existing.origin === 'possible') el.possible.open = true;
      decide(key, 'accepted');
      announce(`${hit.code} was suggested; marked it accepted.`);
    }
    setCurrent(key, { focus: false });
    return;
  }
  const it = {
    key, system: hit.system, code: hit.code, description: hit.description, score: null,
    rank: Number.MAX_SAFE_INTEGER, status: 'added', reason: null, evidence: [], origin: 'added',
    decision: 'added',
  };
  state.items.push(it);
  if (isDx(it)) state.dxOrder.push(key);
  el.reviewEmpty.hidden = true;
  render();
  setCurrent(key, { focus: false });
  announce(`Added ${hit.code} ${hit.description}.`);
}

export function removeAdded(key) {
  const it = itemByKey(key);
  const rows = navigableItems();
  const i = rows.findIndex((r) => r.key === key);
  state.items = state.items.filter((x) => x.key !== key);
  state.dxOrder = state.dxOrder.filter((k) => k !== key);
  const rest = navigableItems();
  state.current = rest.length ? rest[Math.min(Math.max(i, 0), rest.length - 1)].key : null;
  render();
  if (state.current) setCurrent(state.current);
  announce(`Removed ${it ? it.code : 'code'}.`);
}

/** Row clicks: buttons act, anywhere else selects the row and shows its evidence. Also "Accept all". */
export function bindDecisions() {
  for (const list of [el.listDx, el.listPx, el.listPossible, el.listOut]) {
    list.addEventListener('click', (event) => {
      const row = event.target.closest('.sugg');
      if (!row) return;
      const { key } = row.dataset;
      const button = event.target.closest('button[data-action]');
      if (button) {
        const { action } = button.dataset;
        const it = itemByKey(key);
        if (!it) return;
        state.current = key;
        if (action === 'accept') decide(key, it.decision === 'accepted' ? null : 'accepted');
        else if (action === 'reject') decide(key, it.decision === 'rejected' ? null : 'rejected');
        else if (action === 'remove') removeAdded(key);
        showEvidence(state.current);
        return;
      }
      setCurrent(key);
    });
  }
  el.acceptRest.addEventListener('click', acceptRest);
}
