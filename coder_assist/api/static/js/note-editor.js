// The note editor: the character counter against the service's limit (counted in code
// points, as the server does), opening a .txt file, the checks made before a note is sent,
// and switching between the editor and the highlighted note view.

import { announce, el, fmtInt, showAlert } from './dom.js';
import { codePointLength } from './offsets.js';
import { state } from './state.js';
import { maxNoteChars } from './vocabulary.js';

/** Updates the counter (and the "note changed" hint); returns the length in code points. */
export function updateCounter() {
  const n = codePointLength(el.noteText.value);
  const max = maxNoteChars();
  el.noteCount.textContent = max === null
    ? `${fmtInt(n)} characters` : `${fmtInt(n)} / ${fmtInt(max)} characters`;
  el.noteCount.classList.toggle('over', max !== null && n > max);
  el.noteStale.hidden = !(state.result && el.noteText.value !== state.noteText);
  return n;
}

export function showEditor() {
  el.noteForm.hidden = false;
  el.noteViewWrap.hidden = true;
}

export function showNoteView() {
  el.noteForm.hidden = true;
  el.noteViewWrap.hidden = false;
}

/** Why `text` cannot be sent (empty, over the limit), or '' when it can. */
export function noteProblem(text) {
  if (!text.trim()) return 'The note is empty. Paste or type a note, or open a .txt file.';
  const length = codePointLength(text);
  const max = maxNoteChars();
  if (max !== null && length > max) {
    return `The note is ${fmtInt(length)} characters; the limit is `
      + `${fmtInt(max)}. Split it or shorten it, then try again.`;
  }
  return '';
}

async function openFile() {
  const file = el.noteFile.files && el.noteFile.files[0];
  if (!file) return;
  const max = maxNoteChars();
  if (max !== null && file.size > max * 4 + 4) {
    showAlert(el.noteError, `That file is ${fmtInt(file.size)} bytes; notes are limited to `
      + `${fmtInt(max)} characters. Open a shorter note.`);
    el.noteFile.value = '';
    return;
  }
  const text = await file.text();
  el.noteText.value = text.replace(/^\uFEFF/, '');
  el.noteFile.value = '';
  showAlert(el.noteError, '');
  updateCounter();
  showEditor();
  el.noteText.focus();
  announce(`Opened ${file.name}.`);
}

export function bindNoteEditor() {
  el.noteText.addEventListener('input', () => { updateCounter(); showAlert(el.noteError, ''); });
  el.noteFile.addEventListener('change', () => {
    openFile().catch(() => showAlert(el.noteError, 'That file could not be read as text.'));
  });
  el.editNote.addEventListener('click', () => {
    showEditor();
    updateCounter();
    el.noteText.focus();
  });
}
