/**
 * Text as the search index stores and queries it. Korean text arrives both precomposed (NFC) and
 * as separate jamo (NFD, e.g. from macOS and some mail clients), and pasted text often carries
 * invisible zero-width characters; both sides are brought to one form so they compare equal.
 * Lower case, so e-mail addresses and ticket numbers match whatever case is typed.
 */
export function searchable(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u200B-\u200D\uFEFF]/g, '')
    .toLowerCase();
}

/** Up to 8 distinct whitespace-separated terms of a query, normalised; a ticket must match every one. */
export function searchTerms(q: string): string[] {
  return [
    ...new Set(
      searchable(q)
        .split(/\s+/u)
        .filter((t) => t.length > 0),
    ),
  ].slice(0, 8);
}

/**
 * Whether a trigram index can find this term: it needs at least three characters. Shorter terms
 * (two-syllable Korean words such as 계약 are common) are matched by scanning the documents.
 */
export const indexable = (term: string) => [...term].length >= 3;
