// One review round: sends the note to POST /v1/suggest, turns the result into review
// items, and redraws the review pane (lists, claim order, controls) keeping focus where
// the coder was.

import { ApiError, api } from './api.js';
import { announce, el, setBusy, showAlert } from './dom.js';
import { renderOrder } from './claim-order.js';
import { renderNote, showEvidence } from './evidence.js';
import { noteProblem, showNoteView } from './note-editor.js';
import { focusRow, navigableItems, renderLists } from './suggestions.js';
import { keyOf, state, undecidedItems } from './state.js';
import { EXCLUDED, POSSIBLE, vocabularyLoaded } from './vocabulary.js';

function newNoteId() {
  const rand = (window.crypto && crypto.randomUUID)
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  return `note-${rand}`;
}

/** Redraws the whole review pane from state (registered with state.setRenderer). */
export function renderReview() {
  const active = document.activeElement;
  const focusId = active && active.dataset ? active.dataset.focusId : null;
  const focusedRow = active && active.classList && active.classList.contains('sugg');

  renderLists();
  renderOrder();
  const undecided = undecidedItems().length;
  el.acceptRest.hidden = undecided === 0 || Boolean(state.submitted);
  el.acceptRest.textContent = `Accept all undecided (${undecided})`;
  for (const n of [el.search, el.searchSystem, el.coder]) n.disabled = Boolean(state.submitted);
  el.submitButton.parentElement.hidden = Boolean(state.submitted);

  if (focusId) {
    const again = document.querySelector(`[data-focus-id="${CSS.escape(focusId)}"]`);
    if (again && !again.disabled) again.focus();
    else if (state.current) focusRow(state.current);
  } else if (focusedRow && state.current) {
    focusRow(state.current);
  }
}

/** Suggests codes for the note in the editor (the Suggest button and Ctrl+Enter). */
export async function suggest() {
  if (state.busy) return;
  const text = el.noteText.value;
  showAlert(el.noteError, '');
  if (!vocabularyLoaded()) {
    showAlert(el.noteError, 'The page has not connected to the coder-assist service yet; '
      + 'wait a moment, or reload the page if an error is shown.');
    return;
  }
  const problem = noteProblem(text);
  if (problem) {
    showAlert(el.noteError, problem);
    el.noteText.focus();
    return;
  }
  const noteId = el.noteId.value.trim() || newNoteId();

  state.busy = true;
  setBusy(el.suggestButton, true);
  el.review.setAttribute('aria-busy', 'true');
  el.loading.hidden = false;
  showAlert(el.reviewError, '');
  announce('Suggesting codes…');
  try {
    const result = await api('POST', '/v1/suggest', { text, id: noteId });
    loadResult(result, text, noteId);
  } catch (err) {
    const message = suggestErrorMessage(err);
    if (err.status === 413 || err.status === 422) {
      showAlert(el.noteError, message);
      el.noteText.focus();
    } else {
      showAlert(el.reviewError, message);
    }
    announce(message);
  } finally {
    state.busy = false;
    setBusy(el.suggestButton, false);
    el.review.setAttribute('aria-busy', 'false');
    el.loading.hidden = true;
  }
}

function suggestErrorMessage(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong in this page; reload it and try again.';
  if (err.status === 413) {
    return err.message || `The note is over the service's size limit. Shorten it and try again.`;
  }
  if (err.status === 422) return err.message || 'The service could not read this note.';
  if (err.status === 0) return err.message;
  const detail = err.message ? ` (${err.message})` : '';
  return `The server could not make suggestions (HTTP ${err.status})${detail}. `
    + 'Your note is kept here; try again, and tell your administrator if it keeps failing.';
}

function loadResult(result, text, noteId) {
  state.result = result;
  state.noteText = text;
  state.noteId = result.id || noteId;
  state.submitted = null;
  state.confirmUndecided = false;
  state.dxOrder = [];
  const seen = new Set();
  state.items = [];
  for (const s of result.suggestions || []) {
    const key = keyOf(s.system, s.code);
    if (seen.has(key)) continue;
    seen.add(key);
    state.items.push({
      key, system: s.system, code: s.code, description: s.description, score: s.score,
      rank: s.rank, status: s.status, reason: s.reason, evidence: s.evidence || [],
      origin: s.status === EXCLUDED ? 'excluded' : s.status === POSSIBLE ? 'possible' : 'suggested',
      decision: null,
    });
  }
  el.noteId.value = state.noteId;
  el.noteIdShown.textContent = `Note ID: ${state.noteId}`;
  el.modelVersion.textContent = `Model ${result.model_version}`;
  el.modelVersion.hidden = false;
  renderNote();
  showNoteView();
  el.placeholder.hidden = true;
  el.reviewBody.hidden = false;
  el.final.hidden = true;
  showAlert(el.submitError, '');
  showAlert(el.submitConfirm, '');
  const rows = navigableItems();
  state.current = rows.length ? rows[0].key : null;
  renderReview();
  const suggested = state.items.filter((it) => it.origin === 'suggested').length;
  const excluded = state.items.filter((it) => it.origin === 'excluded').length;
  el.reviewEmpty.hidden = suggested > 0;
  announce(suggested
    ? `${suggested} code${suggested === 1 ? '' : 's'} suggested, ${excluded} ruled out. `
      + 'Use j and k to move, a to accept, r to reject.'
    : 'No codes were suggested for this note.');
  if (state.current) { focusRow(state.current); showEvidence(state.current); } else el.review.focus();
}
