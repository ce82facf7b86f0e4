// The keyboard-shortcuts dialog (? or the header button): a modal <dialog> that hands
// focus back to where it was opened from.

import { el } from './dom.js';

let returnFocus = null;

/** Opens (true), closes (false) or toggles (no argument) the help dialog. */
export function toggleHelp(open) {
  const isOpen = el.help.open;
  if (open === undefined) open = !isOpen;
  if (open && !isOpen) { returnFocus = document.activeElement; el.help.showModal(); el.helpClose.focus(); }
  if (!open && isOpen) el.help.close();
}

export function bindHelp() {
  el.help.addEventListener('close', () => {
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  });
  el.helpButton.addEventListener('click', () => toggleHelp(true));
  el.helpClose.addEventListener('click', () => toggleHelp(false));
}
