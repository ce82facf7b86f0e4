// coder-assist review UI: plain ES2020, no build step, no network beyond this service.
// Offsets from the API are Python str indices (code points); the DOM uses UTF-16, so every
// span is converted through a code-point -> UTF-16 map before slicing the note.
'use strict';

(() => {
  /** Mirrors the service default (Settings.max_note_chars); the server's 413 is authoritative. */
  const MAX_NOTE_CHARS = 100000;
  const SEARCH_DEBOUNCE_MS = 200;
  const SEARCH_LIMIT = 15;
  const SYSTEM_URI = {
    'ICD-10-CM': 'http://hl7.org/fhir/sid/icd-10-cm',
    CPT: 'http://www.ama-assn.org/go/cpt',
    HCPCS: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  };
  const REASON_TEXT = {
    negated: 'negated in the note',
    family: 'family history, not the patient',
    historical: 'historical, not current',
    hypothetical: 'hypothetical (e.g. "return if…")',
    uncertain: 'uncertain (possible / rule out)',
  };
  const DX = 'ICD-10-CM';

  const $ = (id) => document.getElementById(id);
  const el = {
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

  /**
   * One review item per code: suggestions (suggested or excluded) and codes the coder added.
   * decision is null (undecided), 'accepted', 'rejected' or 'added'.
   */
  const state = {
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

  // ------------------------------------------------------------------ helpers
  const keyOf = (system, code) => `${system}|${code}`;
  const itemByKey = (key) => state.items.find((it) => it.key === key) || null;
  const isDx = (it) => it.system === DX;
  const isFinal = (it) => it.decision === 'accepted' || it.decision === 'added';
  const domId = (prefix, key) => `${prefix}-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const fmtInt = (n) => n.toLocaleString('en-US');

  function h(tag, attrs, ...children) {
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

  /** Python's len(): counts code points, so the limit matches the server's. */
  function codePointLength(text) {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
      else { const d = text.charCodeAt(i + 1); if (d >= 0xdc00 && d <= 0xdfff) { n++; i++; } else n++; }
    }
    return n;
  }

  /** map[cp] = UTF-16 index of code point cp; map[len] = text.length. */
  function codePointMap(text) {
    const map = [];
    let u = 0;
    for (const ch of text) { map.push(u); u += ch.length; }
    map.push(u);
    return map;
  }

  function announce(message) {
    // Re-setting identical text is not re-announced, so clear first.
    el.status.textContent = '';
    window.setTimeout(() => { el.status.textContent = message; }, 30);
  }

  function showAlert(node, message) {
    node.textContent = message || '';
    node.hidden = !message;
  }

  function setBusy(button, busy) {
    button.classList.toggle('busy', busy);
    if (busy) button.setAttribute('aria-disabled', 'true');
    else button.removeAttribute('aria-disabled');
  }

  function newNoteId() {
    const rand = (window.crypto && crypto.randomUUID)
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    return `note-${rand}`;
  }

  // ------------------------------------------------------------------ API
  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  /** Builds a user-facing message from an error body without echoing any input (PHI). */
  function detailOf(data) {
    if (!data) return '';
    const { detail } = data;
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail)) {
      return detail.map((d) => {
        const loc = Array.isArray(d.loc) ? d.loc.filter((p) => p !== 'body').join('.') : '';
        return loc ? `${loc}: ${d.msg}` : String(d.msg || '');
      }).join('; ');
    }
    return '';
  }

  async function api(method, url, body, signal) {
    let resp;
    try {
      resp = await fetch(url, {
        method,
        headers: body === undefined ? { Accept: 'application/json' }
          : { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'Cannot reach the coder-assist service. Check that it is running, then try again.');
    }
    let data = null;
    if ((resp.headers.get('content-type') || '').includes('json')) {
      try { data = await resp.json(); } catch (_) { data = null; }
    }
    if (!resp.ok) throw new ApiError(resp.status, detailOf(data));
    return data;
  }

  // ------------------------------------------------------------------ note input
  function updateCounter() {
    const n = codePointLength(el.noteText.value);
    el.noteCount.textContent = `${fmtInt(n)} / ${fmtInt(MAX_NOTE_CHARS)} characters`;
    el.noteCount.classList.toggle('over', n > MAX_NOTE_CHARS);
    el.noteStale.hidden = !(state.result && el.noteText.value !== state.noteText);
    return n;
  }

  async function openFile() {
    const file = el.noteFile.files && el.noteFile.files[0];
    if (!file) return;
    if (file.size > MAX_NOTE_CHARS * 4 + 4) {
      showAlert(el.noteError, `That file is ${fmtInt(file.size)} bytes; notes are limited to `
        + `${fmtInt(MAX_NOTE_CHARS)} characters. Open a shorter note.`);
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

  function showEditor() {
    el.noteForm.hidden = false;
    el.noteViewWrap.hidden = true;
  }

  function showNoteView() {
    el.noteForm.hidden = true;
    el.noteViewWrap.hidden = false;
  }

  async function suggest() {
    if (state.busy) return;
    const text = el.noteText.value;
    showAlert(el.noteError, '');
    if (!text.trim()) {
      showAlert(el.noteError, 'The note is empty. Paste or type a note, or open a .txt file.');
      el.noteText.focus();
      return;
    }
    const length = codePointLength(text);
    if (length > MAX_NOTE_CHARS) {
      showAlert(el.noteError, `The note is ${fmtInt(length)} characters; the limit is `
        + `${fmtInt(MAX_NOTE_CHARS)}. Split it or shorten it, then try again.`);
      el.noteText.focus();
      return;
    }
    const typedId = el.noteId.value.trim();
    const noteId = typedId || newNoteId();

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

  // ------------------------------------------------------------------ results
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
        origin: s.status === 'excluded' ? 'excluded' : 'suggested', decision: null,
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
    render();
    const suggested = state.items.filter((it) => it.origin === 'suggested').length;
    const excluded = state.items.length - suggested;
    el.reviewEmpty.hidden = suggested > 0;
    announce(suggested
      ? `${suggested} code${suggested === 1 ? '' : 's'} suggested, ${excluded} ruled out. `
        + 'Use j and k to move, a to accept, r to reject.'
      : 'No codes were suggested for this note.');
    if (state.current) { focusRow(state.current); showEvidence(state.current); } else el.review.focus();
  }

  /** Splits overlapping evidence spans into flat segments, each a <mark> with its codes. */
  function renderNote() {
    const text = state.noteText;
    const map = codePointMap(text);
    const cpLen = map.length - 1;
    const spans = [];
    for (const it of state.items) {
      for (const ev of it.evidence) {
        if (!(Number.isInteger(ev.start) && Number.isInteger(ev.end))) continue;
        if (ev.start < 0 || ev.end > cpLen || ev.end <= ev.start) continue;
        const ruledOut = it.status === 'excluded' || (ev.assertion && ev.assertion !== 'present');
        spans.push({ start: ev.start, end: ev.end, item: it, ruledOut,
          reason: it.reason || (ev.assertion !== 'present' ? ev.assertion : null) });
      }
    }
    const cuts = new Set([0, cpLen]);
    for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    const triggers = new Map();
    for (const e of (state.result && state.result.entities) || []) {
      if (e.trigger) triggers.set(`${e.start}:${e.end}`, e.trigger);
    }
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      const chunk = text.slice(map[a], map[b]);
      const covering = spans.filter((s) => s.start <= a && s.end >= b);
      if (!covering.length) { frag.append(chunk); continue; }
      const supports = [];
      const ruledOut = [];
      for (const s of covering) {
        const list = s.ruledOut ? ruledOut : supports;
        if (!list.some((x) => x.item === s.item)) list.push(s);
      }
      const codes = [...new Set(covering.map((s) => s.item.code))];
      const lines = [];
      if (supports.length) {
        lines.push('Supports:', ...supports.map((s) => `  ${s.item.code} ${s.item.description}`));
      }
      if (ruledOut.length) {
        lines.push('Ruled out:', ...ruledOut.map((s) => {
          const cue = triggers.get(`${s.start}:${s.end}`);
          return `  ${s.item.code} ${s.item.description} (${s.reason || 'excluded'}${cue ? `, cue "${cue}"` : ''})`;
        }));
      }
      const allOut = !supports.length;
      const reasons = [...new Set(ruledOut.map((s) => s.reason || 'excluded'))];
      frag.append(h('mark', {
        class: allOut ? 'ev ev-excluded' : 'ev',
        'data-start': a, 'data-end': b, 'data-codes': codes.join(' '),
        'data-reason': allOut ? reasons.join(' ') : null,
        title: lines.join('\n'),
      }, chunk));
      if (allOut && covering.some((s) => s.end === b)) {
        frag.append(h('span', { class: 'visually-hidden' }, ` (ruled out: ${reasons.join(', ')})`));
      }
    }
    el.noteView.replaceChildren(frag);
  }

  function marksFor(code) {
    return [...el.noteView.querySelectorAll('mark.ev')]
      .filter((m) => m.dataset.codes.split(' ').includes(code));
  }

  function showEvidence(key) {
    for (const m of el.noteView.querySelectorAll('mark.is-emph')) m.classList.remove('is-emph');
    const it = itemByKey(key);
    if (!it) return;
    const marks = marksFor(it.code);
    for (const m of marks) m.classList.add('is-emph');
    if (marks.length && !el.noteViewWrap.hidden) {
      // Scroll only the note box, never the page, so the list stays where the coder is.
      const box = el.noteView;
      const top = marks[0].getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
      const target = Math.max(0, top - box.clientHeight / 3);
      const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      box.scrollTo({ top: target, behavior: smooth ? 'smooth' : 'auto' });
    }
  }

  // ------------------------------------------------------------------ rendering
  function navigableItems() {
    const dx = state.items.filter((it) => it.origin !== 'excluded' && isDx(it));
    const px = state.items.filter((it) => it.origin !== 'excluded' && !isDx(it));
    const out = el.ruledOut.open ? state.items.filter((it) => it.origin === 'excluded') : [];
    return [...dx, ...px, ...out];
  }

  function statusLabel(it) {
    if (it.decision === 'accepted') return ['accepted', 'Accepted'];
    if (it.decision === 'rejected') return ['rejected', 'Rejected'];
    if (it.decision === 'added') return ['added', 'Added by coder'];
    if (it.origin === 'excluded') return ['excluded', 'Ruled out'];
    return ['pending', 'Undecided'];
  }

  function rowFor(it) {
    const [cls, label] = statusLabel(it);
    const locked = Boolean(state.submitted);
    const current = it.key === state.current;
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
      meta.push(h('span', { class: 'reason' }, `Reason: ${REASON_TEXT[it.reason] || it.reason}`));
    }
    if (it.origin !== 'added') {
      meta.push(h('span', null, evidence ? `${evidence} evidence span${evidence === 1 ? '' : 's'}` : 'no evidence span'));
    }
    const actions = [];
    if (it.origin === 'added') {
      actions.push(h('button', {
        type: 'button', class: 'button secondary remove', 'data-action': 'remove', 'data-focus-id': `remove:${it.key}`,
        'aria-label': `Remove ${it.code}`, disabled: locked,
      }, 'Remove'));
    } else {
      actions.push(h('button', {
        type: 'button', class: 'button secondary accept', 'data-action': 'accept',
        'data-focus-id': `accept:${it.key}`, 'aria-pressed': String(it.decision === 'accepted'),
        'aria-label': `Accept ${it.code}`, disabled: locked,
      }, 'Accept'));
      actions.push(h('button', {
        type: 'button', class: 'button secondary reject', 'data-action': 'reject',
        'data-focus-id': `reject:${it.key}`, 'aria-pressed': String(it.decision === 'rejected'),
        'aria-label': `Reject ${it.code}`, disabled: locked,
      }, 'Reject'));
    }
    return h('li', {
      id: domId('row', it.key), class: `sugg is-${cls}${current ? ' is-current' : ''}`,
      'data-key': it.key, 'data-code': it.code, 'data-system': it.system,
      'data-decision': it.decision || '', tabindex: current ? '0' : '-1',
      'aria-current': current ? 'true' : null,
    },
    h('div', { class: 'sugg-main' },
      h('span', { class: 'sugg-code' }, it.code),
      h('span', { class: 'sugg-desc' }, it.description),
      h('div', { class: 'sugg-meta' }, meta)),
    h('div', { class: 'sugg-actions', role: 'group', 'aria-label': `Decision on ${it.code}` }, actions));
  }

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

  function finalItems() {
    const dx = state.dxOrder.map(itemByKey).filter((it) => it && isFinal(it));
    const pxSuggested = state.items
      .filter((it) => !isDx(it) && isFinal(it) && it.origin !== 'added')
      .sort((a, b) => a.rank - b.rank);
    const pxAdded = state.items.filter((it) => !isDx(it) && it.origin === 'added');
    return { dx, px: [...pxSuggested, ...pxAdded] };
  }

  function render() {
    const focusId = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.focusId : null;
    const focusedRow = document.activeElement && document.activeElement.classList
      && document.activeElement.classList.contains('sugg');

    const dx = state.items.filter((it) => it.origin !== 'excluded' && isDx(it));
    const px = state.items.filter((it) => it.origin !== 'excluded' && !isDx(it));
    const out = state.items.filter((it) => it.origin === 'excluded');
    el.listDx.replaceChildren(...dx.map(rowFor));
    el.listPx.replaceChildren(...px.map(rowFor));
    el.listOut.replaceChildren(...out.map(rowFor));
    if (!dx.length) el.listDx.append(h('li', { class: 'hint' }, 'No diagnoses suggested.'));
    if (!px.length) el.listPx.append(h('li', { class: 'hint' }, 'No procedures suggested.'));
    el.dxCount.textContent = `(${dx.length})`;
    el.pxCount.textContent = `(${px.length})`;
    el.outCount.textContent = `(${out.length})`;
    el.ruledOut.hidden = out.length === 0;

    const fin = finalItems();
    el.dxOrder.replaceChildren(
      ...fin.dx.map((it, i) => orderRow(it, i, fin.dx.length, !state.submitted)));
    el.pxOrder.replaceChildren(...fin.px.map((it, i) => orderRow(it, i, fin.px.length, false)));
    el.dxOrderEmpty.hidden = fin.dx.length > 0;
    el.pxOrderEmpty.hidden = fin.px.length > 0;

    const undecided = state.items.filter((it) => it.origin === 'suggested' && !it.decision).length;
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

  function focusRow(key) {
    const row = document.getElementById(domId('row', key));
    if (row) { row.focus({ preventScroll: true }); row.scrollIntoView({ block: 'nearest' }); }
  }

  function setCurrent(key, { focus = true } = {}) {
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

  function move(delta) {
    const rows = navigableItems();
    if (!rows.length) return;
    let i = rows.findIndex((it) => it.key === state.current);
    i = i < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, i + delta));
    setCurrent(rows[i].key);
  }

  // ------------------------------------------------------------------ decisions
  function lockedMessage() {
    announce('This review is submitted. Start a new note to review again.');
  }

  function decide(key, decision, { advance = false } = {}) {
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

  function acceptRest() {
    if (state.submitted) { lockedMessage(); return; }
    const undecided = state.items.filter((it) => it.origin === 'suggested' && !it.decision);
    for (const it of undecided) {
      it.decision = 'accepted';
      if (isDx(it) && !state.dxOrder.includes(it.key)) state.dxOrder.push(it.key);
    }
    render();
    announce(`Accepted ${undecided.length} suggestion${undecided.length === 1 ? '' : 's'}.`);
  }

  function moveDx(key, delta) {
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

  function addCode(hit) {
    if (state.submitted) { lockedMessage(); return; }
    const key = keyOf(hit.system, hit.code);
    const existing = itemByKey(key);
    if (existing) {
      if (existing.origin === 'added' || existing.decision === 'accepted') {
        announce(`${hit.code} is already on the claim.`);
      } else {
        if (existing.origin === 'excluded') el.ruledOut.open = true;
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

  function removeAdded(key) {
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

  // ------------------------------------------------------------------ search (combobox)
  const search = { timer: 0, controller: null, hits: [], active: -1, seq: 0 };

  function closeList() {
    el.searchResults.hidden = true;
    el.search.setAttribute('aria-expanded', 'false');
    el.search.removeAttribute('aria-activedescendant');
    search.active = -1;
  }

  function renderHits() {
    el.searchResults.replaceChildren(...search.hits.map((hit, i) => h('li', {
      id: `search-opt-${i}`, role: 'option', 'data-index': i, 'data-code': hit.code,
      'aria-selected': String(i === search.active),
      'aria-disabled': hit.billable ? null : 'true',
    },
    h('span', { class: 'opt-code' }, hit.code),
    h('span', { class: 'opt-desc' }, hit.description),
    h('span', { class: 'opt-meta' },
      h('span', { class: 'opt-sys' }, hit.system),
      hit.billable ? null : h('span', { class: 'opt-note' }, 'not billable: pick a more specific code')))));
    const open = search.hits.length > 0;
    el.searchResults.hidden = !open;
    el.search.setAttribute('aria-expanded', String(open));
    if (search.active >= 0) {
      el.search.setAttribute('aria-activedescendant', `search-opt-${search.active}`);
      const opt = document.getElementById(`search-opt-${search.active}`);
      if (opt) opt.scrollIntoView({ block: 'nearest' });
    } else {
      el.search.removeAttribute('aria-activedescendant');
    }
  }

  function scheduleSearch() {
    window.clearTimeout(search.timer);
    search.timer = window.setTimeout(runSearch, SEARCH_DEBOUNCE_MS);
  }

  async function runSearch() {
    const q = el.search.value.trim();
    if (search.controller) search.controller.abort();
    if (!q) { search.hits = []; closeList(); el.searchStatus.textContent = ''; return; }
    const seq = ++search.seq;
    search.controller = new AbortController();
    const params = new URLSearchParams({ q, limit: String(SEARCH_LIMIT) });
    if (el.searchSystem.value) params.set('system', el.searchSystem.value);
    try {
      const hits = await api('GET', `/v1/codes/search?${params}`, undefined, search.controller.signal);
      if (seq !== search.seq) return;
      search.hits = Array.isArray(hits) ? hits : [];
      search.active = -1;
      renderHits();
      el.searchStatus.textContent = search.hits.length
        ? `${search.hits.length} code${search.hits.length === 1 ? '' : 's'} found; use the down arrow to choose.`
        : 'No codes match.';
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      if (seq !== search.seq) return;
      search.hits = [];
      closeList();
      el.searchStatus.textContent = `Search failed: ${err.message || `HTTP ${err.status}`}`;
    }
  }

  function pick(index) {
    const hit = search.hits[index];
    if (!hit) return;
    if (!hit.billable) {
      el.searchStatus.textContent = `${hit.code} is not billable; choose a more specific code.`;
      return;
    }
    addCode(hit);
    el.search.value = '';
    search.hits = [];
    closeList();
    el.searchStatus.textContent = `Added ${hit.code}.`;
  }

  function onSearchKey(event) {
    const n = search.hits.length;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!n) { scheduleSearch(); return; }
        search.active = (search.active + 1) % n;
        renderHits();
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (!n) return;
        search.active = search.active <= 0 ? n - 1 : search.active - 1;
        renderHits();
        break;
      case 'Home':
      case 'End':
        if (!n || el.searchResults.hidden) return;
        event.preventDefault();
        search.active = event.key === 'Home' ? 0 : n - 1;
        renderHits();
        break;
      case 'Enter':
        if (event.ctrlKey || event.metaKey) return; // Ctrl+Enter submits (global handler)
        event.preventDefault();
        if (search.active >= 0) pick(search.active);
        else if (n) el.searchStatus.textContent = 'Use the down arrow to choose a code, then press Enter.';
        break;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        if (!el.searchResults.hidden) closeList();
        else if (el.search.value) { el.search.value = ''; search.hits = []; el.searchStatus.textContent = ''; }
        else if (state.current) setCurrent(state.current);
        else el.review.focus();
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------------ submit & export
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

  async function submit() {
    if (!state.result) { announce('Suggest codes for a note first.'); return; }
    if (state.submitted) { lockedMessage(); return; }
    if (state.busy) return;
    showAlert(el.submitError, '');
    const undecided = state.items.filter((it) => it.origin === 'suggested' && !it.decision);
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
    try { window.localStorage.setItem('coder-assist.coder', coder); } catch (_) { /* private mode */ }
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
      let message;
      if (!(err instanceof ApiError)) message = 'Something went wrong in this page; reload it and try again.';
      else if (err.status === 0) message = err.message;
      else if (err.status >= 500) {
        message = `The server could not save the review (HTTP ${err.status})${err.message ? ` (${err.message})` : ''}. `
          + 'Your decisions are kept here; try again, and tell your administrator if it keeps failing.';
      } else message = `The review was not saved: ${err.message || `HTTP ${err.status}`}.`;
      showAlert(el.submitError, message);
      announce(message);
    } finally {
      state.busy = false;
      setBusy(el.submitButton, false);
    }
  }

  const pickCode = (it) => ({ system: it.system, code: it.code, description: it.description });

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

  function csvField(value) {
    const s = String(value);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }

  function toCsv(rows) {
    const lines = ['sequence,system,code,description'];
    for (const r of rows) lines.push([r.sequence, r.system, r.code, r.description].map(csvField).join(','));
    return `${lines.join('\r\n')}\r\n`;
  }

  function localDate() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  /** A FHIR R4 Claim skeleton: real codes, placeholder parties for the billing system to fill. */
  function toFhirClaim() {
    const { dx, px } = state.submitted;
    const coding = (c) => ({ system: SYSTEM_URI[c.system], code: c.code, display: c.description });
    const dxPointers = dx.slice(0, 4).map((_, i) => i + 1);
    const claim = {
      resourceType: 'Claim',
      identifier: [{ system: 'urn:coder-assist:note-id', value: state.noteId }],
      status: 'active',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
      use: 'claim',
      patient: { display: 'Patient (to be completed by the billing system)' },
      created: localDate(),
      insurer: { display: 'Insurer (to be completed by the billing system)' },
      provider: { display: 'Provider (to be completed by the billing system)' },
      priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
      diagnosis: dx.map((c, i) => ({ sequence: i + 1, diagnosisCodeableConcept: { coding: [coding(c)] } })),
      procedure: px.map((c, i) => ({ sequence: i + 1, procedureCodeableConcept: { coding: [coding(c)] } })),
      insurance: [{ sequence: 1, focal: true, coverage: { display: 'Coverage (to be completed by the billing system)' } }],
      item: px.map((c, i) => {
        const item = { sequence: i + 1, procedureSequence: [i + 1], productOrService: { coding: [coding(c)] } };
        if (dxPointers.length) item.diagnosisSequence = dxPointers;
        return item;
      }),
    };
    for (const field of ['diagnosis', 'procedure', 'item']) if (!claim[field].length) delete claim[field];
    return claim;
  }

  function safeName(id) { return id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'note'; }

  function download(filename, mime, content) {
    const url = URL.createObjectURL(new Blob([content], { type: mime }));
    const a = h('a', { href: url, download: filename, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10000);
    announce(`Downloaded ${filename}.`);
  }

  async function copyCodes() {
    const { rows } = state.submitted;
    const text = ['sequence\tsystem\tcode\tdescription',
      ...rows.map((r) => `${r.sequence}\t${r.system}\t${r.code}\t${r.description}`)].join('\n');
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const ta = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true' });
      ta.value = text;
      document.body.append(ta);
      ta.select();
      const ok = document.execCommand('copy');
      ta.remove();
      el.copy.focus();
      if (!ok) { announce('Copy failed; select the table and copy it by hand.'); return; }
    }
    announce(`Copied ${rows.length} code${rows.length === 1 ? '' : 's'} to the clipboard.`);
  }

  function resetAll() {
    state.result = null; state.noteText = ''; state.noteId = ''; state.items = []; state.dxOrder = [];
    state.current = null; state.submitted = null; state.confirmUndecided = false;
    el.noteText.value = ''; el.noteId.value = ''; el.search.value = ''; search.hits = []; closeList();
    el.searchStatus.textContent = '';
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

  // ------------------------------------------------------------------ help
  let helpReturnFocus = null;
  function toggleHelp(open) {
    const isOpen = el.help.open;
    if (open === undefined) open = !isOpen;
    if (open && !isOpen) { helpReturnFocus = document.activeElement; el.help.showModal(); el.helpClose.focus(); }
    if (!open && isOpen) el.help.close();
  }
  el.help.addEventListener('close', () => {
    if (helpReturnFocus && document.contains(helpReturnFocus)) helpReturnFocus.focus();
    helpReturnFocus = null;
  });

  // ------------------------------------------------------------------ keyboard
  function isTyping(target) {
    if (!target || !target.tagName) return false;
    const tag = target.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable) return true;
    if (tag === 'INPUT') return !['button', 'checkbox', 'radio', 'file', 'submit', 'reset'].includes(target.type);
    return false;
  }

  document.addEventListener('keydown', (event) => {
    const typing = isTyping(event.target);
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (event.target === el.noteText) suggest();
      else if (!el.help.open) submit();
      return;
    }
    if (el.help.open) {
      if (event.key === '?') { event.preventDefault(); toggleHelp(false); }
      return; // the dialog handles Esc itself
    }
    if (typing || event.ctrlKey || event.metaKey) return;
    if (event.altKey) {
      if ((event.key === 'ArrowUp' || event.key === 'ArrowDown') && state.current) {
        event.preventDefault();
        moveDx(state.current, event.key === 'ArrowUp' ? -1 : 1);
      }
      return;
    }
    // Arrow keys keep their usual meaning (scrolling) except on the suggestion rows.
    const arrowsFree = event.target === document.body || event.target === el.review
      || Boolean(event.target.closest && event.target.closest('.sugg'));
    const reviewing = Boolean(state.result) && !el.reviewBody.hidden;
    switch (event.key) {
      case '?':
        event.preventDefault(); toggleHelp(true); break;
      case '/':
        if (!reviewing || state.submitted) return;
        event.preventDefault(); el.search.focus(); el.search.select(); break;
      case 'j': case 'ArrowDown':
        if (!reviewing || (event.key === 'ArrowDown' && !arrowsFree)) return;
        event.preventDefault(); move(1); break;
      case 'k': case 'ArrowUp':
        if (!reviewing || (event.key === 'ArrowUp' && !arrowsFree)) return;
        event.preventDefault(); move(-1); break;
      case 'a':
        if (!reviewing || !state.current) return;
        event.preventDefault(); decide(state.current, 'accepted', { advance: true }); break;
      case 'r':
        if (!reviewing || !state.current) return;
        event.preventDefault(); decide(state.current, 'rejected', { advance: true }); break;
      case 'u':
        if (!reviewing || !state.current) return;
        event.preventDefault(); decide(state.current, null); break;
      case 'Escape':
        if (!el.searchResults.hidden) { closeList(); event.preventDefault(); }
        break;
      default:
        break;
    }
  });

  // ------------------------------------------------------------------ events
  el.noteForm.addEventListener('submit', (event) => { event.preventDefault(); suggest(); });
  el.noteText.addEventListener('input', () => { updateCounter(); showAlert(el.noteError, ''); });
  el.noteFile.addEventListener('change', () => {
    openFile().catch(() => showAlert(el.noteError, 'That file could not be read as text.'));
  });
  el.editNote.addEventListener('click', () => {
    showEditor();
    updateCounter();
    el.noteText.focus();
  });
  el.acceptRest.addEventListener('click', acceptRest);
  el.submitButton.addEventListener('click', () => { submit(); });
  el.copy.addEventListener('click', () => { copyCodes(); });
  el.csv.addEventListener('click', () => {
    download(`codes-${safeName(state.noteId)}.csv`, 'text/csv;charset=utf-8', toCsv(state.submitted.rows));
  });
  el.fhir.addEventListener('click', () => {
    download(`claim-${safeName(state.noteId)}.json`, 'application/fhir+json',
      `${JSON.stringify(toFhirClaim(), null, 2)}\n`);
  });
  el.newNote.addEventListener('click', resetAll);
  el.helpButton.addEventListener('click', () => toggleHelp(true));
  el.helpClose.addEventListener('click', () => toggleHelp(false));
  el.ruledOut.addEventListener('toggle', () => render());

  // Row clicks: buttons act, anywhere else selects the row and shows its evidence.
  for (const list of [el.listDx, el.listPx, el.listOut]) {
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

  // Hovering a highlight points at the codes it supports; clicking selects the first one.
  el.noteView.addEventListener('mouseover', (event) => {
    const mark = event.target.closest('mark.ev');
    for (const n of document.querySelectorAll('.is-linked')) n.classList.remove('is-linked');
    if (!mark) return;
    mark.classList.add('is-linked');
    for (const code of mark.dataset.codes.split(' ')) {
      for (const row of document.querySelectorAll(`.sugg[data-code="${CSS.escape(code)}"]`)) {
        row.classList.add('is-linked');
      }
    }
  });
  el.noteView.addEventListener('mouseleave', () => {
    for (const n of document.querySelectorAll('.is-linked')) n.classList.remove('is-linked');
  });
  el.noteView.addEventListener('click', (event) => {
    const mark = event.target.closest('mark.ev');
    if (!mark) return;
    const code = mark.dataset.codes.split(' ')[0];
    const it = state.items.find((x) => x.code === code);
    if (!it) return;
    if (it.origin === 'excluded' && !el.ruledOut.open) el.ruledOut.open = true;
    setCurrent(it.key, { focus: false });
    const row = document.getElementById(domId('row', it.key));
    if (row) row.scrollIntoView({ block: 'nearest' });
  });

  el.search.addEventListener('input', scheduleSearch);
  el.search.addEventListener('keydown', onSearchKey);
  el.search.addEventListener('blur', () => window.setTimeout(() => {
    if (document.activeElement !== el.search) closeList();
  }, 150));
  el.searchSystem.addEventListener('change', () => { if (el.search.value.trim()) scheduleSearch(); });
  el.searchResults.addEventListener('mousedown', (event) => event.preventDefault()); // keep input focus
  el.searchResults.addEventListener('click', (event) => {
    const opt = event.target.closest('[role="option"]');
    if (opt) pick(Number(opt.dataset.index));
  });

  window.addEventListener('beforeunload', (event) => {
    if (state.result && !state.submitted && state.items.some((it) => it.decision)) {
      event.preventDefault();
      event.returnValue = '';
    }
  });

  try { el.coder.value = window.localStorage.getItem('coder-assist.coder') || ''; } catch (_) { /* ignore */ }
  updateCounter();
  document.documentElement.dataset.ready = 'true';
})();
