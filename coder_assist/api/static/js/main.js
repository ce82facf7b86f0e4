// Entry point of the review UI (loaded by index.html as <script type="module">): wires
// the modules' event handlers, loads the service's vocabulary, then enables Suggest.
// Plain ES modules served as static files: no build step, nothing fetched but this service.

import { ApiError } from './api.js';
import { bindClaimOrder } from './claim-order.js';
import { bindDecisions } from './decisions.js';
import { announce, el, showAlert } from './dom.js';
import { bindNoteView } from './evidence.js';
import { bindExports } from './export.js';
import { bindHelp } from './help.js';
import { bindKeyboard } from './keyboard.js';
import { bindNoteEditor, showEditor, updateCounter } from './note-editor.js';
import { renderReview, suggest } from './review.js';
import { bindSearch, fillSystems, resetSearch } from './search.js';
import { clearReview, render, setRenderer, state } from './state.js';
import { bindSubmit, restoreCoder } from './submit.js';
import { selectCode } from './suggestions.js';
import { loadVocabulary } from './vocabulary.js';

/** "Start a new note": forgets the review and returns to an empty editor. */
function resetAll() {
  clearReview();
  el.noteText.value = ''; el.noteId.value = ''; resetSearch();
  el.noteView.replaceChildren();
  el.reviewBody.hidden = true; el.final.hidden = true; el.placeholder.hidden = false;
  el.modelVersion.hidden = true;
  showAlert(el.reviewError, ''); showAlert(el.noteError, ''); showAlert(el.submitError, '');
  render();
  showEditor();
  updateCounter();
  el.noteText.focus();
  announce('Ready for a new note.');
}

function vocabularyErrorMessage(err) {
  const retry = 'Reload this page; tell your administrator if it keeps failing.';
  if (err instanceof ApiError && err.status === 0) {
    return 'Cannot reach the coder-assist service, so codes cannot be suggested. '
      + 'Check that it is running, then reload this page.';
  }
  if (err instanceof ApiError) {
    return `The service did not send its vocabulary (HTTP ${err.status})`
      + `${err.message ? ` (${err.message})` : ''}, so codes cannot be suggested. ${retry}`;
  }
  return `${(err && err.message) || 'The service vocabulary could not be loaded.'} ${retry}`;
}

/** Loads GET /v1/vocabulary; Suggest stays disabled (with an alert saying why) until it has. */
async function start() {
  el.suggestButton.disabled = true;
  try {
    await loadVocabulary();
  } catch (err) {
    const message = vocabularyErrorMessage(err);
    showAlert(el.reviewError, message);
    announce(message);
    document.documentElement.dataset.ready = 'error';
    return;
  }
  fillSystems();
  updateCounter();
  el.suggestButton.disabled = false;
  document.documentElement.dataset.ready = 'true';
}

setRenderer(renderReview);
bindNoteEditor();
bindNoteView(selectCode);
bindDecisions();
bindClaimOrder();
bindSearch();
bindSubmit();
bindExports();
bindHelp();
bindKeyboard();
el.noteForm.addEventListener('submit', (event) => { event.preventDefault(); suggest(); });
el.newNote.addEventListener('click', resetAll);
el.ruledOut.addEventListener('toggle', () => render());
el.possible.addEventListener('toggle', () => render());
window.addEventListener('beforeunload', (event) => {
  if (state.result && !state.submitted && state.items.some((it) => it.decision)) {
    event.preventDefault();
    event.returnValue = '';
  }
});

restoreCoder();
updateCounter();
start();
