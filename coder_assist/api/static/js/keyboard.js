// Global keyboard shortcuts (listed in the help dialog): Ctrl+Enter, j/k/↑/↓, a/r/u,
// Alt+↑/↓, /, ? and Esc. Single keys are ignored while the coder types in a text box.

import { el } from './dom.js';
import { moveDx } from './claim-order.js';
import { decide } from './decisions.js';
import { toggleHelp } from './help.js';
import { suggest } from './review.js';
import { closeList } from './search.js';
import { move, setCurrent } from './suggestions.js';
import { state } from './state.js';
import { submit } from './submit.js';

function isTyping(target) {
  if (!target || !target.tagName) return false;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable) return true;
  if (tag === 'INPUT') return !['button', 'checkbox', 'radio', 'file', 'submit', 'reset'].includes(target.type);
  return false;
}

function onKey(event) {
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
    case 'p':
      if (!reviewing || el.possible.hidden) return;
      event.preventDefault(); showPossible(); break;
    case 'Escape':
      if (!el.searchResults.hidden) { closeList(); event.preventDefault(); }
      break;
    default:
      break;
  }
}

export function bindKeyboard() {
  document.addEventListener('keydown', onKey);
}

/** p: opens "Other possible codes" and moves to its first row (a then accepts it). */
function showPossible() {
  el.possible.open = true;
  const first = state.items.find((it) => it.origin === 'possible');
  if (first) setCurrent(first.key);
}
