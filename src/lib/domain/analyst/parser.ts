import type { TableName } from '../../../../workers/contracts/tables';
import { dimensions, metrics } from './catalog';
import type { DimensionId, Filter, MetricId, SemanticQuery, Window } from './query';
import { editDistance, normalise, stopwords } from './text';
import { resolveWindow } from './windows';

/** What the parser knows about the dataset: its tables and the values found in it. */
export interface DatasetProfile {
  readonly asOf: string;
  readonly tables: readonly TableName[];
  /** Distinct values per dimension (regions, tiers, reasons, processors, features). */
  readonly values: Readonly<Partial<Record<DimensionId, readonly string[]>>>;
}

export interface Reading {
  readonly query: SemanticQuery;
  /** Assumptions the parser made (shown, and they lower the confidence). */
  readonly assumptions: readonly string[];
}

export type ParseResult =
  | {
      readonly ok: true;
      readonly reading: Reading;
      /** Another plausible reading, offered in one click. */
      readonly alternative: Reading | null;
      /** Words the parser could not place. */
      readonly unknown: readonly string[];
    }
  | { readonly ok: false; readonly reason: string; readonly suggestions: readonly string[] };

export const maxQuestionLength = 500;

/** A working copy of the question from which recognised phrases are cut out. */
class Text {
  value: string;
  constructor(value: string) {
    this.value = value;
  }
  has(re: RegExp): boolean {
    return re.test(this.value);
  }
  /** Cuts the first match out and returns it. */
  take(re: RegExp): RegExpExecArray | null {
    const m = re.exec(this.value);
    if (!m) return null;
    this.value =
      `${this.value.slice(0, m.index)} ${this.value.slice(m.index + m[0].length)}`.replace(
        /\s+/g,
        ' '
      );
    return m;
  }
}

const monthPattern =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const monthIndex = (word: string): number =>
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(
    word.slice(0, 3)
  ) + 1;
const ordinalQuarter: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  last: 4
};

/** Windows named in the question, in order of appearance, cut out of the text. */
function takeWindows(t: Text): Window[] {
  const found: { at: number; window: Window }[] = [];
  const grab = (re: RegExp, make: (m: RegExpExecArray) => Window | null) => {
    for (;;) {
      const m = re.exec(t.value);
      if (!m) return;
      const window = make(m);
      t.value = `${t.value.slice(0, m.index)} ${' '.repeat(Math.max(0, m[0].length - 2))} ${t.value.slice(m.index + m[0].length)}`;
      if (window) found.push({ at: m.index, window });
    }
  };
  const lead = '(?:(?:in|over|during|for|from|of|within) )?(?:the )?';
  grab(/\b(\d{4}-\d{2}-\d{2}) (?:to|through|until|and|-) (\d{4}-\d{2}-\d{2})\b/, (m) => ({
    kind: 'range',
    from: m[1] as string,
    to: m[2] as string
  }));
  grab(
    new RegExp(
      `\\b${lead}(?:last|past|previous|prior|trailing|recent) (\\d+) (day|week|month|year)s?\\b`
    ),
    (m) => {
      const n = Number(m[1]);
      if (n < 1) return null;
      if (m[2] === 'day') return { kind: 'last_days', n };
      if (m[2] === 'week') return { kind: 'last_weeks', n };
      if (m[2] === 'month') return { kind: 'last_months', n };
      return { kind: 'last_months', n: 12 * n };
    }
  );
  grab(
    new RegExp(
      `\\b${lead}(?:(\\d+) (day|week|month)s? (?:to|before|ending (?:on|at|with)?) (?:the )?(?:as-of|as of|latest|last) (?:date|day))\\b`
    ),
    (m) => {
      const n = Number(m[1]);
      return m[2] === 'day'
        ? { kind: 'last_days', n }
        : m[2] === 'week'
          ? { kind: 'last_weeks', n }
          : { kind: 'last_months', n };
    }
  );
  grab(/\b(?:month to date|month-to-date|mtd)\b/, () => ({ kind: 'this_month' }));
  grab(/\b(?:quarter to date|quarter-to-date|qtd)\b/, () => ({ kind: 'this_quarter' }));
  grab(
    /\b(?:(?:so far )?this year(?: so far)?|year to date|year-to-date|ytd|so far in the year)\b/,
    () => ({ kind: 'ytd' })
  );
  grab(
    new RegExp(
      `\\b${lead}(?:this|current|present) (?:calendar |full |fiscal )?(week|month|quarter)(?: so far)?\\b`
    ),
    (m) =>
      m[1] === 'week'
        ? { kind: 'this_week' }
        : m[1] === 'month'
          ? { kind: 'this_month' }
          : { kind: 'this_quarter' }
  );
  grab(
    new RegExp(
      `\\b${lead}(?:last|previous|prior|past) (?:calendar |full |complete |fiscal )?(week|month|quarter|year)\\b`
    ),
    (m) =>
      m[1] === 'week'
        ? { kind: 'last_week' }
        : m[1] === 'month'
          ? { kind: 'last_month' }
          : m[1] === 'quarter'
            ? { kind: 'last_quarter' }
            : { kind: 'last_year' }
  );
  grab(/\b(?:on )?today\b/, () => ({ kind: 'today' }));
  grab(/\b(?:on )?yesterday\b/, () => ({ kind: 'yesterday' }));
  grab(
    /\b(?:in |for |during )?(?:the )?(?:day|date) (\d{4}-\d{2}-\d{2})\b|\bon (\d{4}-\d{2}-\d{2})\b/,
    (m) => {
      const d = (m[1] ?? m[2]) as string;
      return { kind: 'range', from: d, to: d };
    }
  );
  grab(new RegExp(`\\b${lead}q([1-4])(?: of)?(?: (\\d{4}))?\\b`), (m) => ({
    kind: 'quarter',
    quarter: Number(m[1]),
    ...(m[2] ? { year: Number(m[2]) } : {})
  }));
  grab(
    new RegExp(`\\b${lead}(first|second|third|fourth) quarter(?: of)?(?: (\\d{4}))?\\b`),
    (m) => ({
      kind: 'quarter',
      quarter: ordinalQuarter[m[1] as string] as number,
      ...(m[2] ? { year: Number(m[2]) } : {})
    })
  );
  grab(/\b(?:in |for |during )?(\d{4})-(\d{2})\b(?!-)/, (m) => {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? { kind: 'month', month, year: Number(m[1]) } : null;
  });
  grab(
    new RegExp(
      `\\b(?:(?:in|for|during|of|from) )?(?:the month of )?(${monthPattern})\\.?(?: (?:of )?(\\d{4}))?\\b`
    ),
    (m) => {
      const word = m[1] as string;
      const explicit = /^(in|for|during|of|from) /.test(m[0]) || m[2];
      if (word === 'may' && !explicit) return null;
      if (word === 'mar' && !explicit) return null;
      return { kind: 'month', month: monthIndex(word), ...(m[2] ? { year: Number(m[2]) } : {}) };
    }
  );
  grab(/\b(?:in|for|during) (?:the year )?(\d{4})\b/, (m) => ({
    kind: 'year',
    year: Number(m[1])
  }));
  grab(/\bsince (\d{4}-\d{2}-\d{2})\b/, (m) => ({
    kind: 'range',
    from: m[1] as string,
    to: '9999-12-31'
  }));
  grab(
    /\b(?:of |for |over )?(?:all time|all-time|ever|lifetime|since (?:the )?(?:start|beginning)|historically|to date)\b/,
    () => ({ kind: 'all' })
  );
  return found.sort((a, b) => a.at - b.at).map((f) => f.window);
}

function takeAmountFilters(t: Text): Filter[] {
  const out: Filter[] = [];
  const re =
    /\b(over|above|more than|greater than|larger than|bigger than|exceeding|at least|no less than|under|below|less than|smaller than|at most|no more than|up to)\s+\$?\s?(\d+(?:\.\d+)?)\b|(>=|<=|>|<)\s*\$?\s?(\d+(?:\.\d+)?)/;
  for (let m = t.take(re); m; m = t.take(re)) {
    const word = m[1] ?? m[3] ?? '';
    const value = Number(m[2] ?? m[4]);
    const op: Filter & { kind: 'amount' } extends { op: infer O } ? O : never =
      /^(>=|at least|no less than)$/.test(word)
        ? '>='
        : /^(<=|at most|no more than|up to)$/.test(word)
          ? '<='
          : /^(<|under|below|less than|smaller than)$/.test(word)
            ? '<'
            : '>';
    out.push({ kind: 'amount', op, value });
  }
  return out;
}

/** Region names people use for the codes in the data. */
const valueSynonyms: Record<string, readonly string[]> = {
  na: ['north america', 'n america', 'us and canada', 'usa', 'us'],
  emea: ['europe', 'middle east', 'europe middle east and africa'],
  apac: ['asia pacific', 'asia-pacific', 'asia'],
  latam: ['latin america', 'south america']
};

const plainValue = (v: string) => v.toLowerCase().replace(/[_-]+/g, ' ').trim();

interface ValueMatch {
  dim: DimensionId;
  value: string;
  negate: boolean;
  at: number;
}

/** Dimension values named in the question, fuzzy-matched, longest first, cut out of the text. */
function takeValues(t: Text, profile: DatasetProfile, negations: RegExp): ValueMatch[] {
  const candidates: { dim: DimensionId; value: string; phrase: string }[] = [];
  for (const [dim, values] of Object.entries(profile.values) as [
    DimensionId,
    readonly string[]
  ][]) {
    for (const value of values) {
      const phrase = plainValue(value);
      if (!phrase) continue;
      candidates.push({ dim, value, phrase });
      // A feature by its first word ("storage" for storage_gb), when no other value shares it.
      const head = phrase.split(' ')[0] ?? '';
      if (
        dim === 'feature' &&
        head !== phrase &&
        head.length >= 5 &&
        values.filter((v) => plainValue(v).startsWith(`${head} `)).length === 1
      )
        candidates.push({ dim, value, phrase: head });
      for (const syn of valueSynonyms[phrase] ?? []) candidates.push({ dim, value, phrase: syn });
    }
  }
  candidates.sort((a, b) => b.phrase.length - a.phrase.length);
  const found: ValueMatch[] = [];
  const record = (dim: DimensionId, value: string, index: number, length: number) => {
    const before = t.value.slice(Math.max(0, index - 24), index);
    const negate = negations.test(before);
    t.value = `${t.value.slice(0, index)} ${t.value.slice(index + length)}`;
    if (!found.some((f) => f.dim === dim && f.value === value))
      found.push({ dim, value, negate, at: index });
  };
  for (const c of candidates) {
    const escaped = c.phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[ _-]?');
    const re = new RegExp(`(?<=\\s)${escaped}(?:s|es)?(?=\\s)`);
    const m = re.exec(t.value);
    // Two-letter codes (NA) only as a whole word not in a common phrase.
    if (m && !(c.phrase.length <= 2 && /\bn\/?a\b/.test('')))
      record(c.dim, c.value, m.index, m[0].length);
  }
  // Fuzzy: a word (or two) within edit distance 1-2 of a value of 5+ letters ("enterprize", "emae").
  const words = t.value.split(' ').filter(Boolean);
  for (const c of candidates) {
    if (c.phrase.length < 4 || found.some((f) => f.dim === c.dim && f.value === c.value)) continue;
    const n = c.phrase.split(' ').length;
    for (let i = 0; i + n <= words.length; i++) {
      const phrase = words.slice(i, i + n).join(' ');
      if (stopwords.has(phrase) || phrase.length < 4) continue;
      const d = editDistance(phrase.replace(/s$/, ''), c.phrase);
      if (d <= (c.phrase.length >= 8 ? 2 : 1) && d < c.phrase.length / 3) {
        const index = t.value.indexOf(` ${phrase} `) + 1;
        if (index > 0) record(c.dim, c.value, index, phrase.length);
        break;
      }
    }
  }
  return found.sort((a, b) => a.at - b.at);
}

const measureWords = {
  count: /\b(how many|number of|count(?:s|ed)?|# of|quantity|tally|by count|volume of)\b/,
  amount:
    /\b(how much|amount|amounts|sum|dollars?|usd|\$|value|money|worth|by amount|by value|total (?:value|amount|dollars?))\b/,
  average: /\b(average|avg|mean|typical|median)\b/,
  share: /\b(share|percent|percentage|proportion|fraction|portion|ratio|what part|pct)\b/,
  rate: /\b(rate|rates|how often|frequency)\b/
};

interface MetricMatch {
  metric: MetricId;
  assumption?: string;
  alternative?: MetricId;
  /** Filters the metric phrase implies (e.g. "open invoices"). */
  filters?: Filter[];
}

/** The metric the question asks for, from its synonyms; the matched words are cut out. */
function takeMetric(t: Text, hasValue: (dim: DimensionId) => boolean): MetricMatch | null {
  const has = (re: RegExp) => t.has(re);
  const count = has(measureWords.count);
  const amount = has(measureWords.amount);
  const average = has(measureWords.average);
  const share = has(measureWords.share);
  const rate = has(measureWords.rate);

  if (t.take(/\b(?:mrr|monthly recurring revenue|recurring revenue|monthly run rate)\b/))
    return { metric: 'mrr' };
  if (
    t.take(
      /\b(?:arr|annual recurring revenue|annuali[sz]ed (?:recurring )?revenue|annual run rate)\b/
    )
  )
    return { metric: 'arr' };
  if (
    t.take(
      /\b(?:under-?bill\w*|under-?charg\w*|billing gaps?|revenue leak\w*|leak\w*|billed (?:less|below) (?:than )?(?:expected|contract\w*)|below (?:the )?(?:expected|contract\w*)|short-?fall|billing shortfall|missed billing|unbilled)\b/
    )
  ) {
    if (count && has(/\binvoices?\b/)) {
      t.take(/\binvoices?\b/);
      return { metric: 'underbilled_invoices' };
    }
    if (count && !amount) return { metric: 'underbilled_invoices' };
    t.take(/\b(?:gap|gaps|invoices?)\b/);
    return { metric: 'underbilling_gap' };
  }
  if (
    (has(/\b(?:fail\w*|declin\w*|unsuccessful|bounced|rejected)\b/) &&
      has(/\b(?:payments?|charges?|attempts?|transactions?|card|billing|collections?)\b/)) ||
    has(/\b(?:failure|decline) rates?\b/) ||
    (has(/\bfailed\b/) && (rate || share))
  ) {
    t.take(/\b(?:fail\w*|declin\w*|unsuccessful|bounced|rejected)\b/);
    t.take(/\b(?:payments?|charges?|attempts?|transactions?|card|billing|collections?)\b/);
    if (rate || (share && !count)) {
      t.take(measureWords.rate);
      t.take(measureWords.share);
      return { metric: 'failed_payment_rate' };
    }
    return { metric: 'failed_payments' };
  }
  if (
    has(
      /\bchurn\w*\b|\b(?:lost|cancell?ed|departed|left) (?:customers?|accounts?|clients?)\b|\b(?:customers?|accounts?|clients?)\b.*\b(?:lost|lose|cancell?ed|cancel|left|leave|churned|quit)\b/
    )
  ) {
    t.take(/\bchurn\w*\b|\b(?:lost|lose|cancell?ed|cancel|departed|left|leave|quit)\b/);
    t.take(/\b(?:customers?|accounts?|clients?)\b/);
    if (rate || share) {
      t.take(measureWords.rate);
      t.take(measureWords.share);
      return { metric: 'churn_rate' };
    }
    return { metric: 'churned_customers' };
  }
  if (
    t.take(
      /\b(?:new (?:customers?|accounts?|clients?|logos?|sign-?ups?)|sign-?ups?|signed up|acquired (?:customers?|accounts?)|customers? (?:acquired|signed up|joined|onboarded|added)|onboarded)\b/
    )
  )
    return { metric: 'new_customers' };
  if (
    t.take(
      /\b(?:tier|plan) (?:mix|distribution|split|breakdown)|mix of (?:tiers|plans)|(?:tier|plan) share\b/
    )
  )
    return {
      metric: 'active_subscriptions',
      assumption: 'tier mix: active subscriptions by tier, in percent'
    };
  if (t.take(/\b(?:active|live|current|paying) subscriptions?\b/))
    return { metric: 'active_subscriptions' };
  if (
    t.take(
      /\b(?:customers?|accounts?|clients?) (?:are|is|were) (?:still )?(?:active|live|paying)\b|\b(?:active|live|current|paying|existing) (?:customers?|accounts?|clients?)\b/
    )
  )
    return { metric: 'active_customers' };
  if (has(/\busage\b|\bunits?\b|\bconsum\w*\b|\bused\b/) || hasValue('feature')) {
    t.take(/\busage(?: units?)?\b|\bunits?(?: used)?\b|\bconsum\w*\b|\bused\b/);
    return { metric: 'usage_units' };
  }
  if (
    has(/\brefund\w*|\breimburs\w*|\bcredits?\b|\bcredited\b|\bmoney back\b|\bcredit notes?\b/) ||
    hasValue('reason')
  ) {
    const refundedVerb = t.has(/\brefunded\b/);
    t.take(/\brefund\w*|\breimburs\w*|\bcredits?\b|\bcredited\b|\bmoney back\b|\bcredit notes?\b/);
    if (average) {
      t.take(measureWords.average);
      t.take(/\b(?:size|amount|value)\b/);
      return { metric: 'average_refund' };
    }
    if (rate && !share) {
      t.take(measureWords.rate);
      return { metric: 'refund_rate' };
    }
    if (amount && !count) return { metric: 'refund_amount' };
    // "total refunded", "refunded to customers in APAC": the verb speaks of money.
    if (refundedVerb && !count) return { metric: 'refund_amount' };
    if (count) return { metric: 'refund_count' };
    if (has(/\b(?:most|highest|largest|biggest|least|lowest|fewest|smallest)\b/) && !share)
      return {
        metric: 'refund_count',
        assumption: 'refunds counted',
        alternative: 'refund_amount'
      };
    return { metric: 'refund_count', assumption: 'refunds counted', alternative: 'refund_amount' };
  }
  if (
    has(
      /\b(?:cash|collected|collections?|received|receipts|inflows?|money in|paid in|takings)\b/
    ) ||
    (has(/\b(?:completed|successful|settled) payments?\b/) && amount) ||
    (has(/\bpayments?\b/) && amount && !count)
  ) {
    t.take(
      /\b(?:cash(?: collected| received| in)?|collected|collections?|received|receipts|inflows?|money in|paid in|takings)\b/
    );
    t.take(/\b(?:(?:completed|successful|settled) )?payments?\b/);
    return { metric: 'collected_cash' };
  }
  if (has(/\bpayments?\b|\bpayment attempts?\b|\bcharges?\b|\btransactions?\b/)) {
    const completed = t.take(/\b(?:completed|successful|settled)\b/);
    t.take(/\bpayments?(?: attempts?)?\b|\bcharges?\b|\btransactions?\b/);
    return completed
      ? {
          metric: 'payment_count',
          filters: [{ kind: 'value', dimension: 'status', values: ['completed'], negate: false }]
        }
      : { metric: 'payment_count' };
  }
  if (t.take(/\b(?:expected|contracted|contract) (?:revenue|amount|billing|value)\b/))
    return { metric: 'expected_revenue' };
  const statusWord = /\b(open|unpaid|outstanding|paid|void|voided)\b/;
  const status = (): Filter[] | undefined => {
    const m = t.take(statusWord);
    if (!m) return undefined;
    const word = m[1] as string;
    const value =
      word === 'unpaid' || word === 'outstanding' ? 'open' : word === 'voided' ? 'void' : word;
    return [{ kind: 'value', dimension: 'status', values: [value], negate: false }];
  };
  if (has(/\binvoices?\b/) && (average || has(/\binvoice (?:size|value)\b/))) {
    t.take(measureWords.average);
    t.take(/\binvoices?(?: size| value| amount)?\b/);
    return { metric: 'average_invoice' };
  }
  if (has(/\binvoices?\b/) && count && !amount) {
    const filters = status();
    t.take(/\binvoices?\b/);
    return filters ? { metric: 'invoice_count', filters } : { metric: 'invoice_count' };
  }
  if (
    has(
      /\b(?:revenue|billed|billings?|bill|invoiced|invoiced?|invoices?|invoicing|sales|turnover|bookings|income|earn\w*|made)\b/
    )
  ) {
    const filters = status();
    t.take(
      /\b(?:billed revenue|revenue|billed|billings?|bill|invoiced|invoice|invoices|invoicing|sales|turnover|bookings|income|earn\w*|made)\b/
    );
    t.take(/\b(?:revenue|billed|bill|invoiced)\b/);
    if (average) {
      t.take(measureWords.average);
      return { metric: 'average_invoice' };
    }
    return filters ? { metric: 'billed_revenue', filters } : { metric: 'billed_revenue' };
  }
  if (has(/\bsubscriptions?\b/)) {
    t.take(/\bsubscriptions?\b/);
    return { metric: 'active_subscriptions', assumption: 'subscriptions: the active ones' };
  }
  if (has(/\b(?:customers?|accounts?|clients?)\b/) && (count || has(/\bcustomer base\b/))) {
    t.take(/\b(?:customers?|accounts?|clients?)\b/);
    return { metric: 'customers' };
  }
  return null;
}

const dimensionWords: readonly [DimensionId, string][] = [
  ['region', 'regions?|geograph(?:y|ies)|geos?|markets?|areas?|territor(?:y|ies)'],
  ['tier', 'tiers?|plans?|plan tiers?|packages?|editions?|pricing tiers?'],
  ['reason', 'reasons?|causes?|refund reasons?|categor(?:y|ies)'],
  [
    'processor',
    'processors?|payment processors?|gateways?|payment gateways?|providers?|psps?|payment providers?'
  ],
  ['feature', 'features?|feature types?|products?'],
  ['customer', 'customers?|accounts?|clients?|who'],
  ['status', 'status(?:es)?|states?'],
  ['month', 'months?|monthly|month by month|per month'],
  ['day', 'days?|daily|day by day|per day|dates?']
];

interface Grouping {
  dim: DimensionId;
  /** Asked as "which X" (an entity answer when ranked first). */
  which: boolean;
  /** The dimension was named in the plural ("top regions"). */
  plural?: boolean;
}

const isPlural = (text: string) => /(?:s|ies)$/.test(text.trim()) && !/status$/.test(text.trim());

/** The dimension to break the metric down by ("by region", "which tier", "top 5 customers"). */
function takeGrouping(t: Text): Grouping | null {
  for (const [dim, words] of dimensionWords) {
    const w = `(?:${words})`;
    const which = new RegExp(
      `\\b(?:which|what|whose|in which|for which|from which)(?: (?:single |one |\\d+ ))?(?: \\w+)? ${w}\\b`
    );
    if (dim === 'customer' && t.take(/\bwho\b|\bwhom\b/)) return { dim, which: true };
    const w1 = t.take(which);
    if (w1) return { dim, which: true, plural: isPlural(w1[0]) };
    const by = new RegExp(
      `\\b(?:by|per|for each|each|every|across|among|between|broken down by|split by|grouped by|group by|break(?:down)? by|rank(?:ed)?|order(?:ed)?|sort(?:ed)?|top|bottom|list|compare|of all|all)(?: (?:\\d+|the|all|of the|each|every|highest|lowest|biggest|largest|smallest))* ${w}\\b`
    );
    const b1 = t.take(by);
    if (b1) return { dim, which: false, plural: isPlural(b1[0]) };
    const superlative = new RegExp(
      `\\b(?:biggest|largest|top|most common|most frequent|main|highest|lowest|leading|primary|smallest|least common|worst|best|most|least|fewest)(?: \\w+)? ${w}\\b`
    );
    const s1 = dim !== 'month' && dim !== 'day' ? t.take(superlative) : null;
    if (s1) {
      t.value = ` ${s1[0].split(' ')[0] ?? ''} ${t.value}`;
      return { dim, which: true, plural: isPlural(s1[0]) };
    }
    if (
      (dim === 'month' || dim === 'day') &&
      t.take(
        dim === 'month'
          ? /\b(?:monthly|month by month|month on month|over time|trend|time series)\b/
          : /\b(?:daily|day by day|day on day)\b/
      )
    )
      return { dim, which: false };
    const trailing = new RegExp(
      `\\b${w} (?:with|that|by|had|has|have|having|got|ranked|in order|sorted)\\b`
    );
    const t1 = dim !== 'month' && dim !== 'day' ? t.take(trailing) : null;
    if (t1) return { dim, which: true, plural: isPlural(t1[0].split(' ')[0] ?? '') };
  }
  if (t.take(/\bover time\b|\btrend\b|\bmonth over month\b/)) return { dim: 'month', which: false };
  return null;
}

const moreWords =
  /\b(most|highest|largest|biggest|greatest|maximum|max|top|leading|worst|heaviest|more)\b/;
const lessWords = /\b(least|lowest|fewest|smallest|minimum|min|bottom|less|fewer)\b/;

/** Content words the parser did not place: a hint that it may have misread. */
function leftovers(text: string): string[] {
  return text
    .split(' ')
    .map((w) => w.replace(/[^a-z0-9_'-]/g, ''))
    .filter((w) => w.length > 2 && !stopwords.has(w) && !/^\d+$/.test(w) && !vocabulary.has(w));
}

const vocabulary = new Set(
  (
    'most highest largest biggest greatest least lowest fewest smallest top bottom rank ranked ranking order ordered ' +
    'sort sorted compare compared comparison change changed growth grow grew increase increased decrease decreased ' +
    'drop dropped rise rose difference delta breakdown break down split grouped group had has have having got ' +
    'were each every versus against relative period previous prior before earlier same time window dates ' +
    'percent percentage share rate ratio proportion fraction count number amount total sum value average mean ' +
    'much many money dollars last past this current month months week weeks quarter quarters year years day days ' +
    'did does doing been being broken ties tie broken alphabetically customer_id id ids id. name names show shown ' +
    'including include excluding exclude except without not other than where whose whom overall altogether combined ' +
    'top-line biggest data dataset billing finance financial metric metrics figure figures give list tell what ' +
    'receive received comes come came coming generated generate generating processed process via send sent ' +
    'trend trends issued issue bring brought make makes get got gave were went paid pay spent through using ' +
    'customers customer accounts account clients client currently right now today status between ' +
    'still saw see seen brings bring portion went go going plan plans'
  ).split(' ')
);

const unsupported: readonly [RegExp, string][] = [
  [
    /\b(?:profit|margins?|costs?|expenses?|cogs|ebitda|salar(?:y|ies)|payroll)\b/,
    'costs or profit (the dataset has billing, not costs)'
  ],
  [/\b(?:tickets?|support cases?|nps|csat|satisfaction)\b/, 'support tickets or satisfaction'],
  [
    /\b(?:orders?|shipments?|inventory|stock|warehouse|products? sold|skus?)\b/,
    'orders, shipments or inventory'
  ],
  [/\b(?:employees?|staff|headcount|hires?)\b/, 'employees'],
  [
    /\b(?:leads?|deals?|pipeline|opportunit(?:y|ies)|campaigns?|marketing|website|visits?|sessions?|page ?views?|traffic|emails?)\b/,
    'sales pipeline or marketing'
  ],
  [/\b(?:taxe?s?|vat)\b/, 'taxes']
];

/** Common words of other languages: a question made of them is not English. */
const foreignWords = new Set(
  (
    'el la los las del que cuántos cuantos cuánto hubo mes pasado año ingresos reembolsos por cuál ' +
    'der die das und wie hoch war letzten monat umsatz welche wieviel viele im ist ' +
    'le les des est combien quel quelle mois dernier chiffre remboursements ' +
    'di che qual il ultimo mese quanti rimborsi ' +
    'o os um uma não quantos reembolsos último receita ' +
    'het een hoeveel vorige maand omzet'
  ).split(' ')
);

const tableOf = (metric: MetricId): TableName[] => {
  const def = metrics[metric];
  return [def.table, ...(def.needs ?? [])];
};

export const exampleQuestions: readonly string[] = [
  'Billed revenue this month vs last month',
  'Refunds by region in the last 30 days',
  'Which region had the most refunds last quarter?',
  'Failed-payment rate year to date',
  'Top 5 customers by underbilling gap',
  'What share of refunds are manual credits?',
  'MRR by tier',
  'Cash collected last month',
  'Usage units by feature in the last 90 days',
  'How many new customers this quarter?'
];

/** Close questions the analyst can answer, for a question it could not read. */
function suggestionsFor(text: string): string[] {
  const words = new Set(text.split(' ').filter((w) => w.length > 3));
  const scored = exampleQuestions.map((q, i) => ({
    q,
    i,
    score: q
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => [...words].some((x) => x.startsWith(w.slice(0, 5)) && w.length > 3)).length
  }));
  return scored
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, 3)
    .map((s) => s.q);
}

const sqlStart =
  /^\s*(select|with|insert|update|delete|drop|create|alter|attach|detach|copy|pragma|install|load|call|set|truncate|grant|export|import|vacuum|begin|commit|use)\b/i;

/** Reads a question into a semantic query, or says why it cannot. Pure and deterministic. */
export function parseQuestion(question: string, profile: DatasetProfile): ParseResult {
  const raw = question.trim();
  if (!raw)
    return {
      ok: false,
      reason: 'The question is empty.',
      suggestions: exampleQuestions.slice(0, 3)
    };
  if (raw.length > maxQuestionLength)
    return {
      ok: false,
      reason: `The question is ${raw.length.toLocaleString('en-US')} characters long; ask in at most ${maxQuestionLength} characters, one question at a time.`,
      suggestions: exampleQuestions.slice(0, 3)
    };
  if (sqlStart.test(raw) && /\b(from|table|into|set|database|extension|values)\b|\*/i.test(raw)) {
    const write = !/^\s*(select|with)\b/i.test(raw);
    return {
      ok: false,
      reason: write
        ? `That is a SQL ${raw.trim().split(/\s+/)[0]?.toUpperCase()} statement, not a question. The analyst only reads the data: statements that change it are refused, and nothing was changed.`
        : 'That looks like SQL, not a question. Run it in the SQL editor below an answer (read-only SELECT only), or ask in plain English.',
      suggestions: exampleQuestions.slice(0, 3)
    };
  }
  const letters = raw.replace(/[^\p{L}]/gu, '');
  const ascii = raw.replace(/[^a-zA-Z]/g, '');
  if (letters.length > 0 && ascii.length / letters.length < 0.6)
    return {
      ok: false,
      reason: 'The analyst reads questions in English only; please ask in English.',
      suggestions: exampleQuestions.slice(0, 3)
    };

  const t = new Text(normalise(raw));
  const original = t.value;
  const windows = takeWindows(t);
  const amounts = takeAmountFilters(t);
  const negations =
    /\b(excluding|exclude|except|without|other than|not|outside(?: of)?|apart from|besides|but not|non)\b[^$]*$/;
  const values = takeValues(
    t,
    profile,
    /\b(?:excluding|exclude|except|without|other than|not|outside(?: of)?|apart from|besides|non)[ -](?:\w+ )?$/
  );
  void negations;
  const customerIds = [...t.value.matchAll(/\b(c\d{3,})\b/g)].map((m) =>
    (m[1] as string).toUpperCase()
  );
  for (const id of customerIds) t.take(new RegExp(`\\b${id.toLowerCase()}\\b`));

  const hasValue = (dim: DimensionId) => values.some((v) => v.dim === dim);
  const share = t.has(measureWords.share);
  const metricMatch = takeMetric(t, hasValue);
  if (!metricMatch) {
    const foreign = original.split(' ').filter((w) => foreignWords.has(w)).length;
    if (foreign >= 2 || /[\u00bf\u00a1]/.test(raw))
      return {
        ok: false,
        reason: 'The analyst reads questions in English only; please ask in English.',
        suggestions: exampleQuestions.slice(0, 3)
      };
    const missing = unsupported.find(([re]) => re.test(original));
    return {
      ok: false,
      reason: missing
        ? `This dataset has no data on ${missing[1]}, so the analyst cannot answer that.`
        : 'I could not read that as a question about this billing data: I found no metric I know (revenue, cash collected, refunds, failed payments, underbilling, MRR, customers, subscriptions, usage).',
      suggestions: suggestionsFor(original)
    };
  }
  const metric = metricMatch.metric;
  const lacking = tableOf(metric).filter((table) => !profile.tables.includes(table));
  if (lacking.length)
    return {
      ok: false,
      reason: `The dataset has no ${lacking.join(' or ')} table, which ${metrics[metric].label.toLowerCase()} needs.`,
      suggestions: exampleQuestions
        .filter((q) => !q.toLowerCase().includes(lacking[0]?.replace('_events', '') ?? ''))
        .slice(0, 3)
    };

  const assumptions: string[] = [];
  if (metricMatch.assumption) assumptions.push(metricMatch.assumption);

  // Comparisons: two windows, or a word of change with one.
  const difference = t.take(/\b(difference|how much more|how much less|delta|gap between)\b/);
  // "month over month" names the period; take it before the bare change words.
  const periodOver = t.take(
    /\b(month over month|mom|quarter over quarter|qoq|year over year|yoy|week over week|wow)\b/
  );
  const bareChange = t.take(
    /\b(change[sd]?|growth|grow|grew|increase[sd]?|decrease[sd]?|drop(?:ped)?|decline[sd]?|fell|fall|rise|rose|up or down)\b/
  );
  const changeWord = periodOver ?? bareChange;
  const versus = t.take(
    /\b(vs\.?|versus|compared (?:to|with)|compare[sd]? (?:to|with)|against|relative to)\b/
  );
  if (windows.length >= 2) {
    // Two windows: the change runs from the earlier to the later one.
    const [a, b] = windows as [Window, Window];
    const fa = resolveWindow(a, profile.asOf).from ?? '';
    const fb = resolveWindow(b, profile.asOf).from ?? '';
    if (fa < fb) windows.splice(0, 2, b, a);
  }
  // "… vs the previous month" names only the earlier window: the current one is its "this".
  const onlyEarlier =
    /\b(?:vs\.?|versus|compared (?:to|with)|against|relative to|than) (?:the )?(?:last|previous|prior) (month|quarter|week|year)\b/.exec(
      original
    );
  if (windows.length === 1 && onlyEarlier) {
    const unit = onlyEarlier[1] as string;
    const current: Window =
      unit === 'month'
        ? { kind: 'this_month' }
        : unit === 'quarter'
          ? { kind: 'this_quarter' }
          : unit === 'week'
            ? { kind: 'this_week' }
            : { kind: 'ytd' };
    windows.unshift(current);
  }
  let window: Window = windows[0] ?? { kind: 'all' };
  let compare: SemanticQuery['compare'];
  if (windows.length >= 2 || changeWord || versus || difference) {
    if (windows.length === 0 && changeWord) {
      const w = changeWord[1] as string;
      window = /quarter|qoq/.test(w)
        ? { kind: 'this_quarter' }
        : /year|yoy/.test(w)
          ? { kind: 'ytd' }
          : /week|wow/.test(w)
            ? { kind: 'this_week' }
            : { kind: 'this_month' };
      if (!/over|mom|qoq|yoy|wow/.test(w))
        assumptions.push('no window named: this month against last month');
    }
    if (windows.length >= 2 || window.kind !== 'all')
      compare = {
        as: difference ? 'difference' : 'percent_change',
        ...(windows[1] ? { against: windows[1] } : {})
      };
  }
  if (!windows.length && !compare && metrics[metric].time)
    assumptions.push('no window named: all time');

  // Grouping and ranking.
  const more = t.has(moreWords);
  const less = t.has(lessWords);
  const topN = t.take(
    /\b(?:top|bottom|first|best|worst|highest|lowest|largest|biggest|smallest)\s+(\d+)\b|\b(\d+)\s+(?:highest|lowest|largest|biggest|smallest|most|least|top|bottom)\b/
  );
  const dimNumber =
    /\b(\d+) (?:\w+ )?(regions|tiers|plans|reasons|processors|gateways|providers|features|customers|accounts|clients|months|days)\b/.exec(
      t.value
    );
  let grouping = takeGrouping(t);
  if (
    grouping &&
    !grouping.which &&
    hasValue(grouping.dim) &&
    !/\b(by|per|each|every|across|rank|top|bottom)\b/.test(original)
  )
    grouping = null;
  if (metricMatch.assumption?.startsWith('tier mix')) grouping = { dim: 'tier', which: false };
  let rank: SemanticQuery['rank'];
  const n = topN
    ? Number(topN[1] ?? topN[2])
    : dimNumber && (more || less)
      ? Number(dimNumber[1])
      : null;
  const ascending = topN
    ? /^(bottom|lowest|smallest)/.test(topN[0]) ||
      (/^\d/.test(topN[0]) && /(lowest|smallest|least|bottom)/.test(topN[0]))
    : less && !more;
  if (grouping && (n !== null || more || less)) {
    const single = grouping.plural !== true;
    const limit = n ?? (single ? 1 : grouping.dim === 'customer' ? 10 : null);
    rank = { order: ascending ? 'asc' : 'desc', limit };
    if (limit === 10 && n === null) assumptions.push('top 10 customers');
  } else if (
    grouping &&
    /\b(rank|ranked|ranking|order|ordered|sort|sorted|in order)\b/.test(original)
  ) {
    rank = { order: ascending ? 'asc' : 'desc', limit: null };
  } else if (n !== null && !grouping) {
    grouping = { dim: 'customer', which: false };
    rank = { order: ascending ? 'asc' : 'desc', limit: n };
    assumptions.push(`top ${n}: customers`);
  }

  const filters: Filter[] = [...(metricMatch.filters ?? []), ...amounts];
  const part: Filter[] = [];
  const byDim = new Map<DimensionId, ValueMatch[]>();
  for (const v of values) byDim.set(v.dim, [...(byDim.get(v.dim) ?? []), v]);
  const isShare =
    share &&
    metrics[metric].aggregate.kind !== 'rate' &&
    metrics[metric].aggregate.kind !== 'ratio';
  for (const [dim, matches] of byDim) {
    for (const negate of [false, true]) {
      const vs = matches.filter((m) => m.negate === negate).map((m) => m.value);
      if (!vs.length) continue;
      const f: Filter = { kind: 'value', dimension: dim, values: vs, negate };
      if (isShare && !grouping) part.push(f);
      else filters.push(f);
    }
  }
  if (customerIds.length) {
    const f: Filter = { kind: 'value', dimension: 'customer', values: customerIds, negate: false };
    if (isShare && !grouping) part.push(f);
    else filters.push(f);
  }
  if (isShare && !grouping && !part.length) {
    // "share of refunds over $200": the amount condition defines the part.
    const amountFilters = filters.filter((f) => f.kind === 'amount');
    if (amountFilters.length) {
      part.push(...amountFilters);
      filters.splice(0, filters.length, ...filters.filter((f) => f.kind !== 'amount'));
    }
  }
  if (grouping && !metrics[metric].time && (grouping.dim === 'month' || grouping.dim === 'day'))
    return {
      ok: false,
      reason: `${metrics[metric].label} is a snapshot as of ${profile.asOf}; the data has no history of it by ${grouping.dim}.`,
      suggestions: [
        `${metrics[metric].label} by tier`,
        `${metrics[metric].label} by region`,
        'Billed revenue by month'
      ]
    };

  const query: SemanticQuery = {
    metric,
    window,
    filters,
    ...(grouping ? { groupBy: grouping.dim } : {}),
    ...(rank ? { rank } : {}),
    share:
      (isShare && grouping !== null) || metricMatch.assumption?.startsWith('tier mix') === true,
    part,
    ...(compare ? { compare } : {})
  };
  if (!metrics[metric].time && windows.length && windows[0]?.kind !== 'all')
    assumptions.push(
      `${metrics[metric].label} is a snapshot as of ${profile.asOf}; the window does not apply`
    );

  const alternative: Reading | null = metricMatch.alternative
    ? { query: { ...query, metric: metricMatch.alternative }, assumptions: ['refunds by amount'] }
    : null;
  const unknown = leftovers(t.value).filter(
    (w) => !Object.values(dimensions).some((d) => d.label === w || d.plural === w)
  );
  return { ok: true, reading: { query, assumptions }, alternative, unknown };
}
