// The service's vocabulary (GET /v1/vocabulary): exclusion reasons with their descriptions,
// assertions, code systems, statuses and the note limit. The page keeps no copies of them;
// it loads them once at start and refuses to suggest until it has them.

import { api } from './api.js';

// Names this page's logic branches on (ruled-out styling, the diagnosis list). They are
// checked against the service's lists at start, so a rename there fails loudly here.
export const PRESENT = 'present';
export const EXCLUDED = 'excluded';
export const POSSIBLE = 'possible';
export const DX = 'ICD-10-CM';

let vocab = null;

/** Loads the vocabulary; rejects with ApiError or Error (with a message for the coder). */
export async function loadVocabulary() {
  const data = await api('GET', '/v1/vocabulary');
  const lists = ['assertions', 'reasons', 'systems', 'statuses'];
  if (!data || lists.some((k) => !Array.isArray(data[k]))
      || !Number.isInteger(data.max_note_chars) || data.max_note_chars < 1) {
    throw new Error('The service sent an unreadable vocabulary.');
  }
  const missing = [
    data.assertions.includes(PRESENT) ? null : `assertion "${PRESENT}"`,
    data.statuses.includes(EXCLUDED) ? null : `status "${EXCLUDED}"`,
    data.statuses.includes(POSSIBLE) ? null : `status "${POSSIBLE}"`,
    data.systems.includes(DX) ? null : `system "${DX}"`,
  ].filter(Boolean);
  if (missing.length) {
    throw new Error(`This page does not match the service (it lacks ${missing.join(', ')}).`);
  }
  vocab = {
    assertions: data.assertions,
    reasons: new Map(data.reasons.map((r) => [r.id, r.description])),
    systems: data.systems,
    statuses: data.statuses,
    maxNoteChars: data.max_note_chars,
  };
  return vocab;
}

/** True once the vocabulary has loaded. */
export const vocabularyLoaded = () => vocab !== null;

/** The longest note the service accepts (code points), or null before the vocabulary loads. */
export const maxNoteChars = () => (vocab ? vocab.maxNoteChars : null);

/** What an exclusion reason tells a reviewer, e.g. `negated in the note`. */
export const reasonText = (reason) => (vocab && vocab.reasons.get(reason)) || reason;

/** Code systems served, in the service's order. */
export const systems = () => (vocab ? vocab.systems : []);
