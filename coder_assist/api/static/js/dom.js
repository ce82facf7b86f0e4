// Small DOM helpers shared by every module: the page's elements by id, an element builder,
// the live status line and alert boxes. Kept apart so no feature module reaches into
// another one just to show a message.

export const $ = (id) => document.getElementById(id);

/** Every element the page script touches, looked up once (modules run after parsing). */
export const el = {
  status: $('status'), modelVersion: $('model-version'),
  noteForm: $('note-form'), noteId: $('note-id'), noteFile: $('note-file'),
  noteText: $('note-text'), noteCount: $('note-count'), noteError: $('note-error'),
  noteStale: $('note-stale'), suggestButton: $('suggest-button'),
  noteViewWrap: $('note-view-wrap'), noteView: $('note-view'), editNote: $('edit-note'),
  noteIdShown: $('note-id-shown'),
  review: $('review'), loading: $('loading'), reviewError: $('review-error'),
  placeholder: $('review-placeholder'), reviewBody: $('review-body'), reviewEmpty: $('review-empty'),
  listDx: $('list-dx'), listPx: $('list-px'), listOut: $('list-out'), ruledOut: $('ruled-out'),
  dxCount: $('dx-count'), pxCount: $('px-count'), outCount: $('out-count'),
  listPossible: $('list-possible'), possible: $('possible'), possibleCount: $('possible-count'),
  acceptRest: $('accept-rest'),
  searchSystem: $('search-system'), search: $('code-search'), searchResults: $('search-results'),
  searchStatus: $('search-status'),
  dxOrder: $('dx-order'), pxOrder: $('px-order'),
  dxOrderEmpty: $('dx-order-empty'), pxOrderEmpty: $('px-order-empty'),
  coder: $('coder'), submitButton: $('submit-button'), submitError: $('submit-error'),
  submitConfirm: $('submit-confirm'),
  final: $('final'), finalSaved: $('final-saved'), finalBody: document.querySelector('#final-table tbody'),
  copy: $('copy-codes'), csv: $('download-csv'), fhir: $('download-fhir'), newNote: $('new-note'),
  helpButton: $('help-button'), help: $('help-dialog'), helpClose: $('help-close'),
};

/** An id safe for the DOM from a review key such as `ICD-10-CM|E11.9`. */
export const domId = (prefix, key) => `${prefix}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
export const fmtInt = (n) => n.toLocaleString('en-US');

/** h('li', {class: 'x', onclick: fn}, child, ...): attributes set, text escaped by the DOM. */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Says `message` in the polite live region (#status). */
export function announce(message) {
  // Re-setting identical text is not re-announced, so clear first.
  el.status.textContent = '';
  window.setTimeout(() => { el.status.textContent = message; }, 30);
}

/** Shows `message` in an alert box, or hides the box when the message is empty. */
export function showAlert(node, message) {
  node.textContent = message || '';
  node.hidden = !message;
}

/** Spinner and aria-disabled on a button while its request runs. */
export function setBusy(button, busy) {
  button.classList.toggle('busy', busy);
  if (busy) button.setAttribute('aria-disabled', 'true');
  else button.removeAttribute('aria-disabled');
}
