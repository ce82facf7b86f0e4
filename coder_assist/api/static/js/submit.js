// Submitting a review: checks for undecided suggestions (asks once to confirm), sends the
// decisions to POST /v1/feedback, locks the review and shows the final codes table.

import { ApiError, api } from './api.js';
import { announce, el, h, setBusy, showAlert } from './dom.js';
import { lockedMessage } from './decisions.js';
import { finalItems, render, state, undecidedItems } from './state.js';

const CODER_KEY = 'coder-assist.coder';
const pickCode = (it) => ({ system: it.system, code: it.code, description: it.description });

/** The claim in order and the decisions to store: final codes first, then rejections. */
function buildDecisions() {
  const fin = finalItems();
  const span = (it) => (it.evidence.length
    ? it.evidence.map((e) => ({ start: e.start, end: e.end })) : undefined);
  const decisions = [...fin.dx, ...fin.px].map((it) => ({
    system: it.system, code: it.code, decision: it.decision, evidence: span(it),
  }));
  for (const it of state.items) {
    if (it.decision === 'rejected') {
      decisions.push({ system: it.system, code: it.code, decision: 'rejected', evidence: span(it) });
    }
  }
  return { fin, decisions };
}

function submitErrorMessage(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong in this page; reload it and try again.';
  if (err.status === 0) return err.message;
  if (err.status >= 500) {
    return `The server could not save the review (HTTP ${err.status})${err.message ? ` (${err.message})` : ''}. `
      + 'Your decisions are kept here; try again, and tell your administrator if it keeps failing.';
  }
  return `The review was not saved: ${err.message || `HTTP ${err.status}`}.`;
}

/** Submits the review (the Submit button and Ctrl+Enter outside the note). */
export async function submit() {
  if (!state.result) { announce('Suggest codes for a note first.'); return; }
  if (state.submitted) { lockedMessage(); return; }
  if (state.busy) return;
  showAlert(el.submitError, '');
  const undecided = undecidedItems();
  if (undecided.length && !state.confirmUndecided) {
    state.confirmUndecided = true;
    const codes = undecided.map((it) => it.code).join(', ');
    showAlert(el.submitConfirm, `${undecided.length} suggestion${undecided.length === 1 ? ' is' : 's are'} `
      + `still undecided (${codes}) and will be left off the claim. Submit again to confirm.`);
    return;
  }
  const { fin, decisions } = buildDecisions();
  if (!decisions.length) {
    showAlert(el.submitError, 'Nothing to submit: accept, reject or add at least one code.');
    return;
  }
  const coder = el.coder.value.trim();
  try { window.localStorage.setItem(CODER_KEY, coder); } catch (_) { /* private mode */ }
  const body = {
    note_id: state.noteId,
    note_text: state.noteText,
    model_version: state.result.model_version,
    decisions,
  };
  if (coder) body.coder = coder;
  state.busy = true;
  setBusy(el.submitButton, true);
  announce('Submitting the review…');
  try {
    const saved = await api('POST', '/v1/feedback', body);
    const rows = [...fin.dx, ...fin.px].map((it, i) => ({
      sequence: i + 1, system: it.system, code: it.code, description: it.description,
    }));
    state.submitted = { rows, dx: fin.dx.map(pickCode), px: fin.px.map(pickCode), savedId: saved && saved.id };
    state.confirmUndecided = false;
    showAlert(el.submitConfirm, '');
    render();
    renderFinal();
    announce(`Review saved: ${rows.length} code${rows.length === 1 ? '' : 's'} on the claim.`);
  } catch (err) {
    const message = submitErrorMessage(err);
    showAlert(el.submitError, message);
    announce(message);
  } finally {
    state.busy = false;
    setBusy(el.submitButton, false);
  }
}

function renderFinal() {
  const { rows, savedId } = state.submitted;
  el.finalBody.replaceChildren(...rows.map((r) => h('tr', { 'data-code': r.code },
    h('td', null, String(r.sequence)), h('td', null, r.system), h('td', null, r.code),
    h('td', null, r.description))));
  el.finalSaved.textContent = `Saved feedback for note ${state.noteId}${savedId ? ` (record ${savedId})` : ''}.`;
  el.final.hidden = false;
  el.final.scrollIntoView({ block: 'start' });
  el.final.focus({ preventScroll: true });
}

/** Fills the Coder box with the name used last time on this browser. */
export function restoreCoder() {
  try { el.coder.value = window.localStorage.getItem(CODER_KEY) || ''; } catch (_) { /* ignore */ }
}

export function bindSubmit() {
  el.submitButton.addEventListener('click', () => { submit(); });
}
