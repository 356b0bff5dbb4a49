/**
 * ISO-2022-KR (RFC 1557), the 7-bit Korean charset older mail programs still send, taught to
 * iconv-lite, which knows EUC-KR/CP949 (and with it `ks_c_5601-1987`) but not this one. libmime
 * decodes bodies and encoded words through iconv-lite by charset name, so once the codec is
 * registered mailparser decodes `charset=ISO-2022-KR` like any other charset.
 *
 * The encoding: an `ESC $ ) C` announcement (once, before the first Korean line), then ASCII,
 * where SO (0x0E) switches to KS X 1001 — two bytes per character, each 0x21–0x7E, the EUC-KR
 * bytes with their high bit cleared — and SI (0x0F) switches back. A line always ends in ASCII
 * (RFC 1557 §2), so a line break ends a shift a careless sender left open.
 */
import iconv from 'iconv-lite';

const ESC = 0x1b;
const SO = 0x0e;
const SI = 0x0f;
const DESIGNATOR = [ESC, 0x24, 0x29, 0x43]; // ESC $ ) C
const REPLACEMENT = '\ufffd';

type Iconv = typeof iconv;

/** Decodes ISO-2022-KR in chunks: a shift, a split announcement or half a character may cross a chunk boundary. */
class Decoder {
  private shifted = false;
  /** Bytes held back: half a Korean character, or the start of an escape sequence. */
  private pending: number[] = [];

  constructor(
    _options: unknown,
    private readonly codec: { iconv: Iconv },
  ) {}

  write(buf: Buffer): string {
    let out = '';
    let korean: number[] = [];
    const flushKorean = () => {
      if (korean.length) out += this.codec.iconv.decode(Buffer.from(korean), 'euc-kr');
      korean = [];
    };
    const bytes = this.pending.length ? [...this.pending, ...buf] : buf;
    this.pending = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === ESC) {
        const rest = bytes.length - i;
        if (rest < DESIGNATOR.length && DESIGNATOR.slice(0, rest).every((d, k) => bytes[i + k] === d)) {
          // Possibly an announcement split across chunks: wait for the rest.
          flushKorean();
          this.pending = Array.from(bytes.slice(i) as ArrayLike<number>);
          return out;
        }
        if (DESIGNATOR.every((d, k) => bytes[i + k] === d)) {
          i += DESIGNATOR.length - 1;
          continue;
        }
        flushKorean();
        out += '\x1b';
        continue;
      }
      if (b === SO) {
        this.shifted = true;
        continue;
      }
      if (b === SI || b === 0x0a || b === 0x0d) {
        flushKorean();
        this.shifted = false;
        if (b !== SI) out += String.fromCharCode(b);
        continue;
      }
      if (!this.shifted) {
        out += b < 0x80 ? String.fromCharCode(b) : REPLACEMENT;
        continue;
      }
      if (b < 0x21 || b > 0x7e) {
        // Space and controls inside a shift stand for themselves.
        flushKorean();
        out += b < 0x80 ? String.fromCharCode(b) : REPLACEMENT;
        continue;
      }
      const next = bytes[i + 1];
      if (next === undefined) {
        flushKorean();
        this.pending = [b];
        return out;
      }
      if (next < 0x21 || next > 0x7e) {
        flushKorean();
        out += REPLACEMENT;
        continue;
      }
      korean.push(b | 0x80, next | 0x80);
      i += 1;
    }
    flushKorean();
    return out;
  }

  end(): string | undefined {
    const left = this.pending.length ? REPLACEMENT : undefined;
    this.pending = [];
    this.shifted = false;
    return left;
  }
}

/** Encodes to ISO-2022-KR (what the tests' corpus is written with); a character outside KS X 1001 becomes `?`. */
class Encoder {
  private announced = false;

  constructor(
    _options: unknown,
    private readonly codec: { iconv: Iconv },
  ) {}

  write(text: string): Buffer {
    const out: number[] = [];
    let shifted = false;
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      if (code < 0x80) {
        if (shifted) {
          out.push(SI);
          shifted = false;
        }
        out.push(code);
        continue;
      }
      const euc = this.codec.iconv.encode(ch, 'euc-kr');
      const inKsX1001 = euc.length === 2 && euc[0]! >= 0xa1 && euc[1]! >= 0xa1;
      if (!inKsX1001) {
        if (shifted) out.push(SI);
        shifted = false;
        out.push(0x3f);
        continue;
      }
      if (!this.announced) {
        // Announced once, at the start of the text (RFC 1557: before the first line that uses it).
        out.unshift(...DESIGNATOR);
        this.announced = true;
      }
      if (!shifted) out.push(SO);
      shifted = true;
      out.push(euc[0]! & 0x7f, euc[1]! & 0x7f);
    }
    if (shifted) out.push(SI);
    return Buffer.from(out);
  }

  end(): Buffer | undefined {
    return undefined;
  }
}

/** The codec in iconv-lite's form: a constructor whose instances name their encoder and decoder classes. */
function Iso2022KrCodec(this: { iconv: Iconv }, _options: unknown, lib: Iconv) {
  this.iconv = lib;
}
Iso2022KrCodec.prototype.encoder = Encoder;
Iso2022KrCodec.prototype.decoder = Decoder;
Iso2022KrCodec.prototype.bomAware = false;

/**
 * Registers ISO-2022-KR with the iconv-lite every mail decoder of this process shares (libmime's,
 * which mailparser uses); safe to call more than once. Returns whether the name now decodes.
 */
export function registerIso2022Kr(lib: Iconv = iconv): boolean {
  lib.getCodec('utf-8'); // loads the encodings table on first use
  const table = lib.encodings as unknown as Record<string, unknown>;
  if (!table.iso2022kr) {
    table.iso2022kr = Iso2022KrCodec;
    table.csiso2022kr = 'iso2022kr';
  }
  return lib.encodingExists('ISO-2022-KR');
}

/** Text in ISO-2022-KR bytes (for the tests' corpus). */
export function encodeIso2022Kr(text: string): Buffer {
  registerIso2022Kr();
  return iconv.encode(text, 'iso2022kr');
}
