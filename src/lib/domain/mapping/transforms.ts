import { literal } from '../sql-text';

/**
 * What a mapped column needs between the source file and the contract, as data (so a mapping
 * can be shown, edited, saved and compared), compiled to DuckDB SQL over the source's columns.
 * Every transform is one a person can read in the mapping screen:
 *   money in minor units (÷100, ÷1 for zero-decimal currencies, ÷1000 for three-decimal ones),
 *   a sign flip, a date format, status words, country → region, a price per interval → monthly.
 */
export type DateFormat = (typeof dateFormats)[number]['id'];

export type Transform =
  | { readonly kind: 'minor_units'; readonly currencyColumn: string | null }
  | { readonly kind: 'negate' }
  | { readonly kind: 'date'; readonly format: DateFormat }
  | { readonly kind: 'words'; readonly map: Readonly<Record<string, string>> }
  | { readonly kind: 'region'; readonly map: Readonly<Record<string, string>> }
  | {
      readonly kind: 'monthly';
      readonly intervalColumn: string;
      readonly intervalCountColumn: string | null;
    };

/**
 * Date formats the mapping can read, by DuckDB's `strptime` pattern. `iso` is DuckDB's own
 * timestamp reader (with offsets). Day-first and month-first twins are told apart only by the
 * data (a day above 12) or by a person: `01/02/2026` is never guessed.
 */
export const dateFormats = [
  { id: 'iso', pattern: null, example: '2026-02-01 14:45:00' },
  { id: 'mdy', pattern: '%m/%d/%Y', example: '02/01/2026' },
  { id: 'dmy', pattern: '%d/%m/%Y', example: '01/02/2026' },
  { id: 'mdy_hm', pattern: '%m/%d/%Y %H:%M', example: '02/01/2026 14:45' },
  { id: 'dmy_hm', pattern: '%d/%m/%Y %H:%M', example: '01/02/2026 14:45' },
  { id: 'mdy_hms', pattern: '%m/%d/%Y %H:%M:%S', example: '02/01/2026 14:45:00' },
  { id: 'dmy_hms', pattern: '%d/%m/%Y %H:%M:%S', example: '01/02/2026 14:45:00' },
  { id: 'mdy_short', pattern: '%m/%d/%y', example: '02/01/26' },
  { id: 'dmy_short', pattern: '%d/%m/%y', example: '01/02/26' },
  { id: 'dmy_dot', pattern: '%d.%m.%Y', example: '01.02.2026' },
  { id: 'dmy_dot_hm', pattern: '%d.%m.%Y %H:%M', example: '01.02.2026 14:45' },
  { id: 'ymd_slash', pattern: '%Y/%m/%d', example: '2026/02/01' },
  { id: 'ymd_slash_hms', pattern: '%Y/%m/%d %H:%M:%S', example: '2026/02/01 14:45:00' },
  { id: 'd_mon_y', pattern: '%d %b %Y', example: '1 Feb 2026' },
  { id: 'mon_d_y', pattern: '%b %d, %Y', example: 'Feb 1, 2026' },
  { id: 'd_mon_y_dash', pattern: '%d-%b-%Y', example: '01-Feb-2026' },
  { id: 'epoch_s', pattern: null, example: '1769956200' }
] as const;

/** The formats whose day and month positions are swapped: a pair that can both read a value. */
export const dateTwins: Readonly<Record<string, DateFormat>> = {
  mdy: 'dmy',
  dmy: 'mdy',
  mdy_hm: 'dmy_hm',
  dmy_hm: 'mdy_hm',
  mdy_hms: 'dmy_hms',
  dmy_hms: 'mdy_hms',
  mdy_short: 'dmy_short',
  dmy_short: 'mdy_short'
};

/** Currencies whose amounts have no minor unit (Stripe's list): a minor-unit amount is whole. */
export const zeroDecimalCurrencies = [
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf'
] as const;
/** Currencies with three decimals: a minor-unit amount is ÷1000. */
export const threeDecimalCurrencies = ['bhd', 'jod', 'kwd', 'omr', 'tnd'] as const;

const inList = (values: readonly string[]) => values.map(literal).join(', ');

/** Months per billing interval, for a price per interval → per month. */
export const monthsPerInterval: Readonly<Record<string, number>> = {
  day: 12 / 365,
  daily: 12 / 365,
  week: 12 / 52,
  weekly: 12 / 52,
  month: 1,
  monthly: 1,
  quarter: 3,
  quarterly: 3,
  year: 12,
  yearly: 12,
  annual: 12,
  annually: 12
};

/** SQL for a text cell: trimmed, empty → NULL. */
export function cellSql(column: string): string {
  return `NULLIF(trim(${column}), '')`;
}

/** The SQL of a date cell in `format`, as a naive UTC TIMESTAMP (NULL when it does not parse). */
export function dateSql(column: string, format: DateFormat): string {
  const v = cellSql(column);
  if (format === 'iso') return `TRY_CAST(${v} AS TIMESTAMPTZ)::TIMESTAMP`;
  if (format === 'epoch_s')
    return `CASE WHEN regexp_full_match(${v}, '[0-9]{9,11}') THEN make_timestamp(${v}::BIGINT * 1000000) END`;
  const f = dateFormats.find((d) => d.id === format);
  return `try_strptime(${v}, ${literal(f?.pattern ?? '%Y-%m-%d')})`;
}

/**
 * Applies the numeric transforms to `value` (a DECIMAL expression, already parsed from the
 * cell by the importer's money rules), in the order a person reads them: units, sign, per month.
 * `col` gives the SQL of another source column (a currency, an interval).
 */
export function numericSql(
  value: string,
  transforms: readonly Transform[],
  col: (header: string) => string
): string {
  let v = value;
  for (const t of transforms) {
    if (t.kind === 'minor_units') {
      const cur = t.currencyColumn ? `lower(trim(${col(t.currencyColumn)}))` : null;
      v = cur
        ? `(${v} / CASE WHEN ${cur} IN (${inList(zeroDecimalCurrencies)}) THEN 1 WHEN ${cur} IN (${inList(threeDecimalCurrencies)}) THEN 1000 ELSE 100 END)`
        : `(${v} / 100)`;
    } else if (t.kind === 'negate') {
      v = `(-(${v}))`;
    } else if (t.kind === 'monthly') {
      const unit = `lower(trim(${col(t.intervalColumn)}))`;
      const count = t.intervalCountColumn
        ? ` * coalesce(TRY_CAST(${col(t.intervalCountColumn)} AS DOUBLE), 1)`
        : '';
      const cases = Object.entries(monthsPerInterval)
        .map(([k, m]) => `WHEN ${literal(k)} THEN ${m}`)
        .join(' ');
      v = `(${v} / (CASE ${unit} ${cases} ELSE 1 END${count}))`;
    }
  }
  return v === value ? v : `round(${v}, 2)::DECIMAL(18,2)`;
}

/** Applies the word transforms (status words, country → region) to a text expression. */
export function textSql(value: string, transforms: readonly Transform[]): string {
  let v = value;
  for (const t of transforms) {
    if (t.kind === 'words') {
      const entries = Object.entries(t.map);
      if (!entries.length) continue;
      const cases = entries.map(([k, w]) => `WHEN ${literal(k.toLowerCase())} THEN ${literal(w)}`);
      v = `CASE lower(${v}) ${cases.join(' ')} ELSE lower(${v}) END`;
    } else if (t.kind === 'region') {
      const groups = new Map<string, string[]>();
      for (const [code, region] of Object.entries(t.map)) {
        const g = groups.get(region) ?? [];
        g.push(code.toUpperCase());
        groups.set(region, g);
      }
      const cases = [...groups].map(
        ([region, codes]) => `WHEN upper(${v}) IN (${inList(codes)}) THEN ${literal(region)}`
      );
      v = cases.length ? `CASE ${cases.join(' ')} ELSE upper(${v}) END` : v;
    }
  }
  return v;
}

/** Plain words for a transform, as the mapping screen and the evidence say it. */
export function describeTransform(t: Transform): string {
  switch (t.kind) {
    case 'minor_units':
      return t.currencyColumn
        ? `minor units ÷ 100 (÷ 1 for zero-decimal currencies, by ${t.currencyColumn})`
        : 'minor units ÷ 100';
    case 'negate':
      return 'sign flipped';
    case 'date': {
      const f = dateFormats.find((d) => d.id === t.format);
      return t.format === 'iso' ? 'ISO date' : `date as ${f?.example ?? t.format}`;
    }
    case 'words':
      return `words: ${Object.entries(t.map)
        .map(([k, v]) => `${k} → ${v}`)
        .join(', ')}`;
    case 'region':
      return 'country → region';
    case 'monthly':
      return `price per ${t.intervalColumn} → per month`;
  }
}

/**
 * The engine's own verdict on a date column: one row with, per format, how many of the sampled
 * values (`column` of `relation`) it reads, and how many values are not empty.
 */
export function dateProbeSql(relation: string, column: string): string {
  const counts = dateFormats.map((f) => `count(${dateSql(column, f.id)}) AS ${f.id}`);
  return `SELECT count(${cellSql(column)}) AS __present, ${counts.join(', ')} FROM ${relation}`;
}

export type DateChoice =
  | { readonly kind: 'format'; readonly format: DateFormat }
  /** Day-first and month-first both read every value: a person must say which. */
  | { readonly kind: 'ambiguous'; readonly formats: readonly [DateFormat, DateFormat] }
  | { readonly kind: 'none' };

/**
 * The format that reads every sampled value (ISO first: it is what DuckDB reads natively).
 * When a day-first format and its month-first twin both do, the choice is the person's.
 */
export function chooseDateFormat(probe: Readonly<Record<string, number>>): DateChoice {
  const present = probe.__present ?? 0;
  if (present === 0) return { kind: 'format', format: 'iso' };
  const full = dateFormats.filter((f) => (probe[f.id] ?? 0) === present).map((f) => f.id);
  const first = full[0];
  if (!first) return { kind: 'none' };
  const twin = dateTwins[first];
  if (twin && full.includes(twin)) {
    // Day-first listed first, month-first second, whatever the probe order.
    const dayFirst = first.startsWith('dmy') ? first : twin;
    return { kind: 'ambiguous', formats: [dayFirst, dayFirst === first ? twin : first] };
  }
  return { kind: 'format', format: first };
}
