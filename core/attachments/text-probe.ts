/**
 * Whether a file without a magic number is text, and in which encoding, decided as its bytes
 * stream past (nothing is buffered): UTF-8 first, then EUC-KR (the WHATWG decoder, which is
 * CP949/UHC — what Korean Windows writes, Excel's CSV export included), and UTF-16 with a byte
 * order mark (Excel's "Unicode text"). Each candidate is a strict decoder; it drops out at the
 * first invalid sequence or control character (NUL and the other C0 controls except tab, line
 * feed, form feed and carriage return), so a binary file is out within its first bytes.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

interface Candidate {
  charset: string;
  decoder: TextDecoder;
  alive: boolean;
}

export interface TextProbe {
  push(chunk: Uint8Array): void;
  /** False once no encoding can decode what was seen: the caller may stop pushing. */
  readonly undecided: boolean;
  /** The charset of the whole file (`utf-8`, `euc-kr`, `utf-16le`, `utf-16be`), or null: not text. */
  finish(): string | null;
}

export function textProbe(): TextProbe {
  let candidates: Candidate[] | null = null;
  const make = (charset: string): Candidate => ({ charset, decoder: new TextDecoder(charset, { fatal: true }), alive: true });
  const feed = (c: Candidate, chunk: Uint8Array | undefined) => {
    if (!c.alive) return;
    try {
      const text = chunk ? c.decoder.decode(chunk, { stream: true }) : c.decoder.decode();
      if (CONTROL.test(text)) c.alive = false;
    } catch {
      c.alive = false;
    }
  };
  return {
    push(chunk) {
      if (!candidates) {
        // The first chunk decides between the byte-order-marked UTF-16 and the ASCII-based encodings.
        const [a, b] = [chunk[0], chunk[1]];
        candidates =
          a === 0xff && b === 0xfe ? [make('utf-16le')] : a === 0xfe && b === 0xff ? [make('utf-16be')] : [make('utf-8'), make('euc-kr')];
      }
      for (const c of candidates) feed(c, chunk);
    },
    get undecided() {
      return candidates === null || candidates.some((c) => c.alive);
    },
    finish() {
      if (!candidates) return null;
      for (const c of candidates) feed(c, undefined);
      return candidates.find((c) => c.alive)?.charset ?? null;
    },
  };
}
