/** Text helpers for the question parser: normalising, number words, fuzzy matching. */

const units: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19
};
const tens: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90
};

/** "thirty-one" → "31", "a hundred and twenty" → "120", "a dozen" → "12", "a couple of" → "2". */
export function numberWordsToDigits(text: string): string {
  const unitAlt = Object.keys(units).join('|');
  const tensAlt = Object.keys(tens).join('|');
  let out = text.replace(/\ba dozen\b/g, '12').replace(/\bhalf a year\b/g, '6 months');
  out = out.replace(
    new RegExp(
      `\\b(?:(a|one|${unitAlt}) hundred(?: and)? ?)?(?:(${tensAlt})(?:[- ](${unitAlt}))?|(${unitAlt}))?\\b`,
      'g'
    ),
    (
      match,
      h: string | undefined,
      t: string | undefined,
      tu: string | undefined,
      u: string | undefined
    ) => {
      if (!match.trim()) return match;
      let n = 0;
      if (h) n += 100 * (h === 'a' ? 1 : (units[h] ?? 1));
      if (t) n += (tens[t] ?? 0) + (tu ? (units[tu] ?? 0) : 0);
      if (u) n += units[u] ?? 0;
      const trailing = match.endsWith(' ') ? ' ' : '';
      return `${n}${trailing}`;
    }
  );
  return out;
}

/** Lower case, typographic quotes, `$`/`%` split off, runs of spaces collapsed. */
export function normalise(question: string): string {
  let t = question
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/(\d),(\d{3})\b/g, '$1$2')
    .replace(/(\d),(\d{3})\b/g, '$1$2')
    .replace(/[?!]+/g, ' ')
    .replace(/(\d)\s*k\b/g, '$1000')
    .replace(/%/g, ' percent ')
    .replace(/\$/g, ' $')
    .replace(/[()[\]{},;:]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  t = numberWordsToDigits(t);
  return ` ${t} `;
}

/** Damerau-free Levenshtein distance, capped for speed. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}

/** Words that carry no meaning for the reading. */
export const stopwords = new Set(
  (
    'a an the of in on at for to from by with and or is are was were be been do does did what whats ' +
    "what's which who how me us we our my i you your show give tell list get find please can could " +
    'would will there their it its this that these those as per each all any much many so far than ' +
    'have has had total overall number amount value sum count lets let see about over during into up ' +
    'out off just only also vs versus s please kindly report compute calculate'
  ).split(' ')
);
