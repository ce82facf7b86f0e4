// Code search pick-list: the "Add a missed code" combobox (ARIA 1.2 pattern) over
// GET /v1/codes/search, debounced, with stale answers dropped and non-billable codes
// shown but not addable. The system filter lists the service's code systems.

import { api } from './api.js';
import { el, h } from './dom.js';
import { addCode } from './decisions.js';
import { setCurrent } from './suggestions.js';
import { state } from './state.js';
import { systems } from './vocabulary.js';

const SEARCH_DEBOUNCE_MS = 200;
const SEARCH_LIMIT = 15;
const search = { timer: 0, controller: null, hits: [], active: -1, seq: 0 };

/** Fills the System filter (after "All") with the systems the service serves. */
export function fillSystems() {
  const all = el.searchSystem.querySelector('option[value=""]');
  el.searchSystem.replaceChildren(all, ...systems().map((s) => h('option', { value: s }, s)));
}

export function closeList() {
  el.searchResults.hidden = true;
  el.search.setAttribute('aria-expanded', 'false');
  el.search.removeAttribute('aria-activedescendant');
  search.active = -1;
}

/** Empties the box, the hits and the status line (a new note). */
export function resetSearch() {
  el.search.value = '';
  search.hits = [];
  closeList();
  el.searchStatus.textContent = '';
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

export function bindSearch() {
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
}
