// Note offsets. The API counts Python str indices (code points); the DOM counts UTF-16
// units, so an astral character (emoji, some CJK) is one unit there and two here. Every
// span goes through these helpers before the note text is sliced or measured.

/** Python's len(): counts code points, so the page's limit check matches the server's. */
export function codePointLength(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
    else { const d = text.charCodeAt(i + 1); if (d >= 0xdc00 && d <= 0xdfff) { n++; i++; } else n++; }
  }
  return n;
}

/** map[cp] = UTF-16 index of code point cp; map[len] = text.length. */
export function codePointMap(text) {
  const map = [];
  let u = 0;
  for (const ch of text) { map.push(u); u += ch.length; }
  map.push(u);
  return map;
}
