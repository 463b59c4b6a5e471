/**
 * Full-text terms for Chinese with SQLite FTS5's `unicode61` tokenizer. Chinese has no spaces, so unicode61 would make
 * a whole run of Han characters one token (`人员穿越皮带` could then only be found whole). The indexed text is
 * therefore rewritten into space-separated terms: every Han character alone and every adjacent pair of Han
 * characters; runs of other letters and digits (device ids, box serials) stay whole words, lower-cased; punctuation
 * and symbols are dropped.
 *
 * Within one Han run the single characters come first, then the pairs, so the pairs of a run sit at consecutive
 * positions: a query of several characters is the phrase of its pairs (`穿越皮带` → `"穿越 越皮 皮带"`), which only
 * matches where the characters stand together. Pairs of two different runs are never adjacent (the singles of the
 * later run come between), so a phrase cannot match across punctuation or across fields.
 */

type Segment = { han: boolean; chars: string[] };

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;

/**
 * The text's runs of Han characters and of other letters/digits, in order. NFKC first: full-width letters and digits
 * (ＡＢ１２, common in Chinese input) read as their ASCII forms. Marks, punctuation, symbols and spaces separate
 * runs (unicode61 treats them as separators too, so what is dropped here is never in the index either).
 */
function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let current: Segment | null = null;
  for (const ch of text.normalize('NFKC')) {
    if (!LETTER_OR_DIGIT.test(ch)) {
      current = null;
      continue;
    }
    const han = HAN.test(ch);
    if (han) {
      // Every Han character is its own unit; consecutive ones form a run.
      if (!current?.han) {
        current = { han: true, chars: [] };
        out.push(current);
      }
    } else if (!current || current.han) {
      current = { han: false, chars: [] };
      out.push(current);
    }
    current.chars.push(ch);
  }
  return out;
}

function pairs(chars: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** The terms to index for `text`: Han characters and pairs, whole lower-cased words, space-separated. */
export function indexTerms(text: string): string {
  const terms: string[] = [];
  for (const s of segments(text)) {
    if (s.han) terms.push(...s.chars, ...pairs(s.chars));
    else terms.push(s.chars.join('').toLowerCase());
  }
  return terms.join(' ');
}

/** An FTS5 string: always quoted, so nothing the user typed is read as syntax (`OR`, `NEAR`, `*`, `:`, `^`, `-` …). */
function quote(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/**
 * An FTS5 MATCH expression for what a user typed into the search box, or null when there is nothing to search for
 * (blank, or punctuation only). One Han character → that character; a Han run → the phrase of its pairs; a word of
 * letters/digits → a prefix query (`"3402"*` finds every device id starting so); several parts must all match.
 * Every part is a quoted string built only from letters and digits, so the query cannot fail to parse.
 */
export function queryTerms(query: string): string | null {
  const parts: string[] = [];
  for (const s of segments(query)) {
    if (s.han) parts.push(quote(s.chars.length === 1 ? s.chars.join('') : pairs(s.chars).join(' ')));
    else parts.push(`${quote(s.chars.join('').toLowerCase())}*`);
  }
  return parts.length ? parts.join(' AND ') : null;
}
