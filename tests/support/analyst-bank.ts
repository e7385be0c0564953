/**
 * A wide bank of finance questions with answers computed independently of the analyst: plain
 * TypeScript over the CSV rows (its own CSV reader, its own window arithmetic), never the
 * analyst's SQL. Several phrasings per metric, every window kind, rankings, shares,
 * comparisons and filters. Used by tests/unit/analyst/bank.test.ts and `npm run bench:analyst`.
 */

export type Expected =
  | { kind: 'number'; value: number }
  | { kind: 'entity'; value: string }
  | { kind: 'list'; value: (string | number)[] }
  | { kind: 'none' };

export interface BankCase {
  question: string;
  /** For accuracy by kind. */
  kind: string;
  expected: Expected;
}

type Row = Record<string, string>;
export type Tables = Record<string, Row[]>;

/** RFC 4180 CSV (quoted fields, doubled quotes). */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  const names = (header ?? []).map((h) => h.trim().toLowerCase());
  return rows
    .filter((r) => r.length > 1 || r[0] !== '')
    .map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? ''])));
}

// --- dates, written independently of src/lib/domain/analyst/windows.ts -----------------------
const day = 86_400_000;
const toMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ymd = (y: number, m: number, d: number) => fromMs(Date.UTC(y, m - 1, d));
interface Span {
  from: string | null;
  to: string | null; // exclusive
}
const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];

interface WindowCase {
  phrases: string[];
  span: Span;
  /** The period just before, for comparisons. */
  prev: Span | null;
  label: string;
}

function windowsFor(asOf: string): WindowCase[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  const next = fromMs(toMs(asOf) + day);
  const lastN = (n: number): WindowCase => ({
    phrases: [`in the last ${n} days`, `over the past ${n} days`, `for the trailing ${n} days`],
    span: { from: fromMs(toMs(asOf) - (n - 1) * day), to: next },
    prev: { from: fromMs(toMs(asOf) - (2 * n - 1) * day), to: fromMs(toMs(asOf) - (n - 1) * day) },
    label: `last${n}`
  });
  const q = Math.ceil(m / 3);
  const qStart = ymd(y, 3 * q - 2, 1);
  const lqStart = ymd(y, 3 * q - 5, 1);
  const named = ((m + 8) % 12) + 1; // three months back (the latest such month on or before as-of)
  const namedYear = named < m ? y : y - 1;
  return [
    lastN(30),
    lastN(7),
    lastN(90),
    {
      phrases: ['this month', 'month to date', 'so far this month'],
      span: { from: ymd(y, m, 1), to: next },
      prev: { from: ymd(y, m - 1, 1), to: ymd(y, m, 1) },
      label: 'this_month'
    },
    {
      phrases: ['last month', 'in the previous month', 'during the prior month'],
      span: { from: ymd(y, m - 1, 1), to: ymd(y, m, 1) },
      prev: { from: ymd(y, m - 2, 1), to: ymd(y, m - 1, 1) },
      label: 'last_month'
    },
    {
      phrases: ['last quarter', 'in the previous quarter'],
      span: { from: lqStart, to: qStart },
      prev: { from: ymd(y, 3 * q - 8, 1), to: lqStart },
      label: 'last_quarter'
    },
    {
      phrases: ['year to date', 'so far this year', 'YTD'],
      span: { from: ymd(y, 1, 1), to: next },
      prev: null,
      label: 'ytd'
    },
    {
      phrases: [`in ${monthNames[named - 1]} ${namedYear}`, `during ${monthNames[named - 1]}`],
      span: { from: ymd(namedYear, named, 1), to: ymd(namedYear, named + 1, 1) },
      prev: { from: ymd(namedYear, named - 1, 1), to: ymd(namedYear, named, 1) },
      label: 'named_month'
    },
    {
      phrases: ['of all time', 'overall', ''],
      span: { from: null, to: null },
      prev: null,
      label: 'all'
    }
  ];
}

const inSpan = (ts: string, s: Span) => {
  const d = ts.slice(0, 10);
  return (!s.from || d >= s.from) && (!s.to || d < s.to);
};
const num = (v: string | undefined) => Number(v ?? 0);
const lc = (v: string | undefined) => (v ?? '').toLowerCase();
const r2 = (n: number) => Math.round(n * 100) / 100;

interface Fact {
  rows: Row[];
  time: string | null;
  dims: Record<string, (r: Row) => string>;
}

function facts(t: Tables): Record<string, Fact> {
  const cust = new Map((t.customers ?? []).map((c) => [c.customer_id, c]));
  const region = (r: Row) => cust.get(r.customer_id ?? '')?.region ?? '(none)';
  const ctier = (r: Row) => cust.get(r.customer_id ?? '')?.plan_tier ?? '(none)';
  return {
    invoices: {
      rows: t.invoices ?? [],
      time: 'invoice_date',
      dims: { region, tier: (r) => r.plan_tier_billed ?? '', customer: (r) => r.customer_id ?? '' }
    },
    payments: {
      rows: t.payments ?? [],
      time: 'payment_date',
      dims: {
        region,
        tier: ctier,
        processor: (r) => r.payment_processor ?? '',
        customer: (r) => r.customer_id ?? ''
      }
    },
    refunds: {
      rows: t.refunds ?? [],
      time: 'refund_date',
      dims: {
        region,
        tier: ctier,
        reason: (r) => r.reason ?? '',
        processor: (r) => r.processor ?? '',
        customer: (r) => r.customer_id ?? ''
      }
    },
    usage: {
      rows: t.usage_events ?? [],
      time: 'event_time',
      dims: {
        region,
        tier: ctier,
        feature: (r) => r.feature_type ?? '',
        customer: (r) => r.customer_id ?? ''
      }
    },
    subscriptions: {
      rows: t.subscriptions ?? [],
      time: null,
      dims: { region, tier: (r) => r.plan_tier ?? '', customer: (r) => r.customer_id ?? '' }
    },
    customers: {
      rows: t.customers ?? [],
      time: null,
      dims: {
        region: (r) => r.region ?? '',
        tier: (r) => r.plan_tier ?? '',
        customer: (r) => r.customer_id ?? ''
      }
    }
  };
}

/** A metric as the oracle computes it: which rows, and how they fold. */
interface OracleMetric {
  fact: string;
  keep: (r: Row) => boolean;
  fold: (rows: Row[]) => number | null;
  phrasings: string[];
  /** Phrase used inside rankings and shares ("refund amount"). */
  noun: string;
  dims: string[];
}

const sum = (f: (r: Row) => number) => (rows: Row[]) => rows.reduce((a, r) => a + f(r), 0);
const count = (rows: Row[]) => rows.length;
const avg = (f: (r: Row) => number) => (rows: Row[]) =>
  rows.length ? sum(f)(rows) / rows.length : null;
const rate = (p: (r: Row) => boolean) => (rows: Row[]) =>
  rows.length ? (100 * rows.filter(p).length) / rows.length : null;

const oracleMetrics: Record<string, OracleMetric> = {
  revenue: {
    fact: 'invoices',
    keep: (r) => lc(r.status) !== 'void',
    fold: sum((r) => num(r.billed_amount)),
    phrasings: [
      'What was our billed revenue {w}?',
      'How much did we invoice {w}?',
      'Total revenue {w}',
      'How much was billed {w}?'
    ],
    noun: 'billed revenue',
    dims: ['region', 'tier', 'customer']
  },
  cash: {
    fact: 'payments',
    keep: (r) => lc(r.status) === 'completed',
    fold: sum((r) => num(r.amount)),
    phrasings: [
      'How much cash did we collect {w}?',
      'Cash collected {w}',
      'How much money was received {w}?',
      'Total collections {w}'
    ],
    noun: 'cash collected',
    dims: ['region', 'processor', 'customer']
  },
  refundCount: {
    fact: 'refunds',
    keep: () => true,
    fold: count,
    phrasings: [
      'How many refunds were issued {w}?',
      'Number of refunds {w}',
      'Count of refunds {w}'
    ],
    noun: 'number of refunds',
    dims: ['region', 'reason', 'processor', 'tier']
  },
  refundAmount: {
    fact: 'refunds',
    keep: () => true,
    fold: sum((r) => num(r.amount)),
    phrasings: [
      'How much did we refund {w}?',
      'Total refund amount {w}',
      'What was the refunded amount {w}?'
    ],
    noun: 'refund amount',
    dims: ['region', 'reason', 'customer']
  },
  refundAvg: {
    fact: 'refunds',
    keep: () => true,
    fold: avg((r) => num(r.amount)),
    phrasings: [
      'What is the average refund {w}?',
      'Mean refund size {w}',
      'Average refund amount {w}'
    ],
    noun: 'average refund',
    dims: ['reason', 'region']
  },
  failRate: {
    fact: 'payments',
    keep: () => true,
    fold: rate((r) => lc(r.status) === 'failed'),
    phrasings: [
      'What was the failed payment rate {w}?',
      'Payment failure rate {w}',
      'What percentage of payment attempts failed {w}?'
    ],
    noun: 'failed payment rate',
    dims: ['processor', 'region']
  },
  failCount: {
    fact: 'payments',
    keep: (r) => lc(r.status) === 'failed',
    fold: count,
    phrasings: ['How many payments failed {w}?', 'Number of failed payments {w}'],
    noun: 'number of failed payments',
    dims: ['processor']
  },
  gap: {
    fact: 'invoices',
    keep: (r) => lc(r.status) !== 'void' && num(r.billed_amount) < num(r.expected_amount),
    fold: sum((r) => num(r.expected_amount) - num(r.billed_amount)),
    phrasings: [
      'What is the underbilling gap {w}?',
      'How much did we underbill {w}?',
      'Total underbilled amount {w}'
    ],
    noun: 'underbilling gap',
    dims: ['customer', 'tier', 'region']
  },
  usage: {
    fact: 'usage',
    keep: () => true,
    fold: sum((r) => num(r.usage_units)),
    phrasings: ['How many usage units were consumed {w}?', 'Total usage {w}'],
    noun: 'usage units',
    dims: ['feature', 'region', 'customer']
  }
};

const snapshotMetrics: Record<string, OracleMetric> = {
  mrr: {
    fact: 'subscriptions',
    keep: (r) => lc(r.billing_status) === 'active',
    fold: sum((r) => num(r.monthly_price)),
    phrasings: ['What is our MRR?', 'Monthly recurring revenue', 'What is the current MRR?'],
    noun: 'MRR',
    dims: ['tier', 'region']
  },
  activeCustomers: {
    fact: 'customers',
    keep: (r) => lc(r.status) === 'active',
    fold: count,
    phrasings: ['How many active customers do we have?', 'Number of active customers'],
    noun: 'active customers',
    dims: ['region', 'tier']
  },
  churned: {
    fact: 'customers',
    keep: (r) => lc(r.status) === 'churned',
    fold: count,
    phrasings: ['How many customers have churned?', 'How many customers did we lose?'],
    noun: 'churned customers',
    dims: ['region', 'tier']
  },
  activeSubs: {
    fact: 'subscriptions',
    keep: (r) => lc(r.billing_status) === 'active',
    fold: count,
    phrasings: ['How many active subscriptions are there?'],
    noun: 'active subscriptions',
    dims: ['tier', 'region']
  }
};

/** Keys ordered by value (desc or asc), ties by key A→Z, values compared in cents. */
function ranked(groups: Map<string, number>, order: 'desc' | 'asc'): string[] {
  return [...groups.entries()]
    .map(([k, v]) => [k, Math.round(v * 1e6) / 1e6] as const)
    .sort(
      (a, b) =>
        (order === 'desc' ? b[1] - a[1] : a[1] - b[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
    )
    .map(([k]) => k);
}

const plural: Record<string, string> = {
  region: 'regions',
  tier: 'tiers',
  reason: 'reasons',
  processor: 'processors',
  feature: 'features',
  customer: 'customers'
};

/** Seeded choice, so a bank is the same for the same seed. */
function chooser(seed: number) {
  let s = seed >>> 0 || 1;
  return <T>(xs: readonly T[]): T => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return xs[s % xs.length] as T;
  };
}

export function buildBank(t: Tables, asOf: string, seed = 1): BankCase[] {
  const pick = chooser(seed);
  const f = facts(t);
  const out: BankCase[] = [];
  const windows = windowsFor(asOf);
  const rowsOf = (m: OracleMetric, span: Span) => {
    const fact = f[m.fact] as Fact;
    return fact.rows.filter((r) => m.keep(r) && (!fact.time || inSpan(r[fact.time] ?? '', span)));
  };
  const windowHasData = (m: OracleMetric, span: Span) => {
    const fact = f[m.fact] as Fact;
    if (!fact.time || (!span.from && !span.to)) return fact.rows.length > 0;
    return fact.rows.some((r) => inSpan(r[fact.time as string] ?? '', span));
  };
  const put = (question: string, kind: string, value: number | null, hasData = true) =>
    out.push({
      question: question.replace(/\s+/g, ' ').replace(/ \?/g, '?').trim(),
      kind,
      expected: value === null || !hasData ? { kind: 'none' } : { kind: 'number', value: r2(value) }
    });

  for (const [, m] of Object.entries(oracleMetrics)) {
    // Single values: every phrasing over a few windows, every window in some phrasing.
    for (const w of windows) {
      for (const phrasing of [pick(m.phrasings), pick(m.phrasings)]) {
        const phrase = pick(w.phrases);
        put(
          phrasing.replace('{w}', phrase),
          `value:${w.label}`,
          m.fold(rowsOf(m, w.span)),
          windowHasData(m, w.span)
        );
      }
    }
    // Comparisons: % change against the period before.
    for (const w of windows.filter(
      (x) => x.prev && ['this_month', 'last_month', 'last30', 'last_quarter'].includes(x.label)
    )) {
      const cur = m.fold(rowsOf(m, w.span));
      const prev = m.fold(rowsOf(m, w.prev as Span));
      const phrase = pick(w.phrases);
      const q = pick([
        `How did ${m.noun} change ${phrase} compared to the period before?`,
        `${m.noun} ${phrase} vs the previous period, % change`,
        `What was the percent change in ${m.noun} ${phrase} versus the prior period?`
      ]);
      const ok =
        windowHasData(m, w.span) &&
        windowHasData(m, w.prev as Span) &&
        cur !== null &&
        prev !== null &&
        prev !== 0;
      put(
        q,
        'compare',
        ok ? (100 * ((cur as number) - (prev as number))) / (prev as number) : null
      );
    }
    // Rankings and breakdowns by each dimension.
    for (const dim of m.dims) {
      const fact = f[m.fact] as Fact;
      const w = pick(
        windows.filter((x) => ['last90', 'ytd', 'all', 'last_quarter'].includes(x.label))
      );
      const rows = rowsOf(m, w.span);
      const groups = new Map<string, Row[]>();
      for (const r of rows) {
        const k = (fact.dims[dim] as (r: Row) => string)(r) || '(none)';
        groups.set(k, [...(groups.get(k) ?? []), r]);
      }
      const values = new Map(
        [...groups]
          .map(([k, rs]) => [k, m.fold(rs) ?? Number.NaN] as const)
          .filter(([, v]) => !Number.isNaN(v))
      );
      if (!values.size) continue;
      const phrase = pick(w.phrases);
      const desc = ranked(values, 'desc');
      const asc = ranked(values, 'asc');
      out.push({
        question: pick([
          `Which ${dim} had the highest ${m.noun} ${phrase}?`,
          `Which ${dim} has the most ${m.noun} ${phrase}?`,
          `Top ${dim} by ${m.noun} ${phrase}`
        ])
          .replace(/\s+/g, ' ')
          .trim(),
        kind: 'rank:top1',
        expected: { kind: 'entity', value: desc[0] as string }
      });
      out.push({
        question: pick([
          `Which ${dim} had the lowest ${m.noun} ${phrase}?`,
          `Which ${dim} has the least ${m.noun} ${phrase}?`
        ])
          .replace(/\s+/g, ' ')
          .trim(),
        kind: 'rank:bottom1',
        expected: { kind: 'entity', value: asc[0] as string }
      });
      const n = pick([2, 3, 5]);
      if (desc.length > n)
        out.push({
          question: pick([
            `Top ${n} ${plural[dim]} by ${m.noun} ${phrase}`,
            `What are the ${n} ${plural[dim]} with the highest ${m.noun} ${phrase}?`
          ])
            .replace(/\s+/g, ' ')
            .trim(),
          kind: 'rank:topN',
          expected: { kind: 'list', value: desc.slice(0, n) }
        });
      if (dim !== 'customer')
        out.push({
          question: pick([
            `${m.noun} by ${dim} ${phrase}`,
            `Break down ${m.noun} by ${dim} ${phrase}`,
            `Rank ${plural[dim]} by ${m.noun} ${phrase}`
          ])
            .replace(/\s+/g, ' ')
            .trim(),
          kind: 'breakdown',
          expected: { kind: 'list', value: desc }
        });
    }
  }

  // Snapshots.
  for (const [, m] of Object.entries(snapshotMetrics)) {
    for (const phrasing of m.phrasings)
      put(phrasing, 'snapshot', m.fold(rowsOf(m, { from: null, to: null })));
    const fact = f[m.fact] as Fact;
    for (const dim of m.dims) {
      const groups = new Map<string, number>();
      const rows = rowsOf(m, { from: null, to: null });
      for (const r of rows) {
        const k = (fact.dims[dim] as (r: Row) => string)(r);
        groups.set(k, (groups.get(k) ?? 0) + (m.fold([r]) ?? 0));
      }
      out.push({
        question: `Which ${dim} has the most ${m.noun}?`,
        kind: 'rank:top1',
        expected: { kind: 'entity', value: ranked(groups, 'desc')[0] as string }
      });
      out.push({
        question: `${m.noun} by ${dim}`,
        kind: 'breakdown',
        expected: { kind: 'list', value: ranked(groups, 'desc') }
      });
    }
  }
  const customers = t.customers ?? [];
  put(
    'What is our churn rate?',
    'snapshot',
    customers.length
      ? (100 * customers.filter((c) => lc(c.status) === 'churned').length) / customers.length
      : null
  );
  put(
    'What percentage of customers have churned?',
    'snapshot',
    customers.length
      ? (100 * customers.filter((c) => lc(c.status) === 'churned').length) / customers.length
      : null
  );
  put(
    'ARR',
    'snapshot',
    12 *
      (snapshotMetrics.mrr as OracleMetric).fold(
        rowsOf(snapshotMetrics.mrr as OracleMetric, { from: null, to: null })
      )!
  );

  // Shares and filters over dimension values found in the data.
  const refunds = t.refunds ?? [];
  const reasons = [...new Set(refunds.map((r) => r.reason ?? ''))].filter(Boolean).sort();
  const regions = [...new Set(customers.map((c) => c.region ?? ''))].filter(Boolean).sort();
  const cust = new Map(customers.map((c) => [c.customer_id, c]));
  for (const w of windows.filter((x) => ['last90', 'ytd', 'all', 'last_month'].includes(x.label))) {
    const rs = refunds.filter((r) => inSpan(r.refund_date ?? '', w.span));
    const has = rs.length > 0;
    const phrase = pick(w.phrases);
    for (const reason of reasons.slice(0, 4)) {
      const words = reason.replace(/_/g, ' ');
      const part = rs.filter((r) => r.reason === reason);
      put(
        pick([
          `What share of refunds ${phrase} were ${words}s?`,
          `What percent of refunds ${phrase} had the reason ${words}?`
        ]),
        'share',
        has ? (100 * part.length) / rs.length : null,
        has
      );
      put(
        pick([`How many ${words} refunds ${phrase}?`, `Number of refunds for ${words} ${phrase}`]),
        'filter',
        part.length,
        has
      );
    }
    for (const region of regions) {
      const part = rs.filter((r) => cust.get(r.customer_id ?? '')?.region === region);
      const total = rs.reduce((a, r) => a + num(r.amount), 0);
      put(
        `What share of refund amount ${phrase} came from ${region}?`,
        'share',
        has && total ? (100 * part.reduce((a, r) => a + num(r.amount), 0)) / total : null,
        has
      );
      put(
        pick([
          `Refund amount in ${region} ${phrase}`,
          `How much was refunded to ${region} customers ${phrase}?`
        ]),
        'filter',
        part.reduce((a, r) => a + num(r.amount), 0),
        has
      );
    }
    const threshold = pick([100, 200, 250]);
    put(
      `How many refunds over $${threshold} ${phrase}?`,
      'filter',
      rs.filter((r) => num(r.amount) > threshold).length,
      has
    );
  }
  return out;
}

/** Right or wrong: numbers within a cent (or 0.01 %), entities and lists exactly. */
export function isRight(expected: Expected, got: { kind: string; value?: unknown }): boolean {
  if (expected.kind === 'none') return got.kind === 'none';
  if (got.kind !== expected.kind) return false;
  if (expected.kind === 'number') {
    const v = Number(got.value);
    return Math.abs(v - expected.value) <= Math.max(0.011, Math.abs(expected.value) * 1e-4);
  }
  if (expected.kind === 'entity')
    return String(got.value).toLowerCase() === expected.value.toLowerCase();
  const list = got.value as unknown[];
  return (
    Array.isArray(list) &&
    list.length === expected.value.length &&
    list.every((v, i) => String(v).toLowerCase() === String(expected.value[i]).toLowerCase())
  );
}
