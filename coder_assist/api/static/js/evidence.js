// Evidence highlighting: draws the reviewed note with every evidence span as a <mark>
// (ruled-out mentions struck through, with a tooltip naming codes, reason and cue), brings
// a code's spans forward, and links hovered marks to their suggestion rows.

import { el, h } from './dom.js';
import { codePointMap } from './offsets.js';
import { EXCLUDED, PRESENT } from './vocabulary.js';
import { itemByKey, state } from './state.js';

/** Splits overlapping evidence spans into flat segments, each a <mark> with its codes. */
export function renderNote() {
  const text = state.noteText;
  const map = codePointMap(text);
  const cpLen = map.length - 1;
  const spans = [];
  for (const it of state.items) {
    for (const ev of it.evidence) {
      if (!(Number.isInteger(ev.start) && Number.isInteger(ev.end))) continue;
      if (ev.start < 0 || ev.end > cpLen || ev.end <= ev.start) continue;
      const ruledOut = it.status === EXCLUDED || (ev.assertion && ev.assertion !== PRESENT);
      spans.push({ start: ev.start, end: ev.end, item: it, ruledOut,
        reason: it.reason || (ev.assertion !== PRESENT ? ev.assertion : null) });
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
    frag.append(...segment(chunk, a, b, covering, triggers));
  }
  el.noteView.replaceChildren(frag);
}

/** The <mark> for note[a:b] covered by `covering`, plus screen-reader text at a span's end. */
function segment(chunk, a, b, covering, triggers) {
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
  const out = [h('mark', {
    class: allOut ? 'ev ev-excluded' : 'ev',
    'data-start': a, 'data-end': b, 'data-codes': codes.join(' '),
    'data-reason': allOut ? reasons.join(' ') : null,
    title: lines.join('\n'),
  }, chunk)];
  if (allOut && covering.some((s) => s.end === b)) {
    out.push(h('span', { class: 'visually-hidden' }, ` (ruled out: ${reasons.join(', ')})`));
  }
  return out;
}

function marksFor(code) {
  return [...el.noteView.querySelectorAll('mark.ev')]
    .filter((m) => m.dataset.codes.split(' ').includes(code));
}

/** Emphasises the evidence of the item `key` and scrolls the note box to it. */
export function showEvidence(key) {
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

const unlinkAll = () => {
  for (const n of document.querySelectorAll('.is-linked')) n.classList.remove('is-linked');
};

/** Hovering a mark points at the rows of its codes; clicking calls onPick(first code). */
export function bindNoteView(onPick) {
  el.noteView.addEventListener('mouseover', (event) => {
    const mark = event.target.closest('mark.ev');
    unlinkAll();
    if (!mark) return;
    mark.classList.add('is-linked');
    for (const code of mark.dataset.codes.split(' ')) {
      for (const row of document.querySelectorAll(`.sugg[data-code="${CSS.escape(code)}"]`)) {
        row.classList.add('is-linked');
      }
    }
  });
  el.noteView.addEventListener('mouseleave', unlinkAll);
  el.noteView.addEventListener('click', (event) => {
    const mark = event.target.closest('mark.ev');
    if (mark) onPick(mark.dataset.codes.split(' ')[0]);
  });
}
