// The review's state: one item per code (suggested, ruled out or added by the coder), the
// diagnosis claim order and the current row, with the lookups every module shares. It
// also holds the re-render hook, so modules that change state need not import the view.

import { DX } from './vocabulary.js';

/**
 * One review item per code: suggestions (suggested or excluded) and codes the coder added.
 * decision is null (undecided), 'accepted', 'rejected' or 'added'.
 */
export const state = {
  busy: false,
  result: null,
  noteText: '',
  noteId: '',
  items: [],
  dxOrder: [],
  current: null,
  submitted: null,
  confirmUndecided: false,
};

export const keyOf = (system, code) => `${system}|${code}`;
export const itemByKey = (key) => state.items.find((it) => it.key === key) || null;
export const isDx = (it) => it.system === DX;
export const isFinal = (it) => it.decision === 'accepted' || it.decision === 'added';
export const undecidedItems = () => state.items.filter((it) => it.origin === 'suggested' && !it.decision);

/** The claim: accepted/added diagnoses in the coder's order, then procedures by rank. */
export function finalItems() {
  const dx = state.dxOrder.map(itemByKey).filter((it) => it && isFinal(it));
  const pxSuggested = state.items
    .filter((it) => !isDx(it) && isFinal(it) && it.origin !== 'added')
    .sort((a, b) => a.rank - b.rank);
  const pxAdded = state.items.filter((it) => !isDx(it) && it.origin === 'added');
  return { dx, px: [...pxSuggested, ...pxAdded] };
}

/** Puts state back to "no note reviewed". */
export function clearReview() {
  Object.assign(state, {
    result: null, noteText: '', noteId: '', items: [], dxOrder: [],
    current: null, submitted: null, confirmUndecided: false,
  });
}

let renderView = () => {};

/** main.js registers the full re-render here once. */
export function setRenderer(fn) { renderView = fn; }

/** Redraws lists, claim order and controls from state. */
export function render() { renderView(); }
