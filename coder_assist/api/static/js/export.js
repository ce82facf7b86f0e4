// Exports of a submitted review: the final codes copied as TSV, downloaded as CSV, or as
// a FHIR R4 Claim skeleton for a billing system to complete. All built in the browser.

import { announce, el, h } from './dom.js';
import { state } from './state.js';

/** FHIR code-system URIs; FHIR's, not the service's, so they live with the export. */
const SYSTEM_URI = {
  'ICD-10-CM': 'http://hl7.org/fhir/sid/icd-10-cm',
  CPT: 'http://www.ama-assn.org/go/cpt',
  HCPCS: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
};

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

export function bindExports() {
  el.copy.addEventListener('click', () => { copyCodes(); });
  el.csv.addEventListener('click', () => {
    download(`codes-${safeName(state.noteId)}.csv`, 'text/csv;charset=utf-8', toCsv(state.submitted.rows));
  });
  el.fhir.addEventListener('click', () => {
    download(`claim-${safeName(state.noteId)}.json`, 'application/fhir+json',
      `${JSON.stringify(toFhirClaim(), null, 2)}\n`);
  });
}
