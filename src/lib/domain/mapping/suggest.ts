import { tableSpec, type ColumnSpec, type TableName } from '../../../../workers/contracts/tables';
import { editDistance } from '../analyst/text';
import { findHeader, headerTokens, metadataKey, normalHeader } from './headers';
import type { ColumnRule, PresetOutput } from './presets';
import { defaultRegionTable, looksLikeRegions } from './regions';
import type { Transform } from './transforms';

/**
 * Suggests, for each contract column of a target table, the source column that holds it:
 * first by a known export's preset, then by name (synonyms, then words and spelling), then by
 * the values sampled from the file (ids, dates, money). A suggestion carries why it was made
 * and how sure it is; a person confirms or corrects it on the mapping screen.
 */

export type SuggestionSource =
  'preset' | 'name' | 'similar_name' | 'metadata' | 'constant' | 'derived';

export interface ColumnChoice {
  /** The contract column. */
  readonly column: string;
  /** The source header (as written in the file), or null when none holds it. */
  readonly from: string | null;
  readonly constant?: string;
  readonly transforms: readonly Transform[];
  readonly derived?: ColumnRule['derived'];
  readonly source: SuggestionSource | null;
  /** 0–1: how sure the suggestion is. */
  readonly confidence: number;
}

/** Words a column is called by in exports and spreadsheets (normal form). */
const synonyms: Readonly<Record<string, readonly string[]>> = {
  customer_id: [
    'customer',
    'customer_id',
    'cust_id',
    'account_id',
    'account_code',
    'client_id',
    'customer_number'
  ],
  customer_name: [
    'name',
    'customer_name',
    'company',
    'company_name',
    'account_name',
    'client_name',
    'full_name'
  ],
  region: ['region', 'country', 'billing_country', 'market', 'territory', 'geo', 'sales_region'],
  plan_tier: ['plan', 'tier', 'plan_name', 'plan_tier', 'product', 'package', 'edition'],
  status: ['status', 'state'],
  subscription_id: ['id', 'subscription', 'subscription_id', 'sub_id'],
  start_date: ['start', 'start_date', 'started_at', 'start_at', 'effective_date', 'created'],
  monthly_price: ['monthly_price', 'price', 'amount', 'mrr', 'monthly_amount', 'unit_price'],
  billing_status: ['status', 'billing_status', 'state'],
  invoice_id: ['invoice', 'invoice_id', 'invoice_number', 'number', 'id'],
  invoice_date: ['date', 'invoice_date', 'billed_date', 'issued_at', 'created'],
  billed_amount: [
    'total',
    'amount',
    'billed_amount',
    'amount_due',
    'invoice_total',
    'total_amount'
  ],
  expected_amount: ['expected_amount', 'expected', 'contract_amount', 'list_price'],
  plan_tier_billed: ['plan_tier_billed', 'tier_billed', 'billed_tier', 'plan', 'tier'],
  payment_id: ['id', 'payment_id', 'charge_id', 'transaction_id', 'payment'],
  payment_date: ['date', 'payment_date', 'paid_at', 'created', 'created_date', 'transaction_date'],
  amount: ['amount', 'value', 'total', 'gross'],
  payment_processor: ['processor', 'payment_processor', 'gateway', 'payment_gateway', 'provider'],
  refund_id: ['id', 'refund_id', 'transaction_id'],
  refund_date: ['date', 'refund_date', 'refunded_at', 'created', 'settled_on'],
  reason: ['reason', 'refund_reason', 'category'],
  processor: ['processor', 'gateway', 'payment_gateway', 'provider'],
  linked_payment_id: [
    'linked_payment_id',
    'payment_id',
    'charge',
    'charge_id',
    'source',
    'original_transaction'
  ],
  note: ['note', 'notes', 'description', 'memo', 'comment'],
  approved_by: ['approved_by', 'approver', 'authorised_by', 'authorized_by'],
  event_id: ['id', 'event_id'],
  event_time: ['time', 'event_time', 'timestamp', 'occurred_at', 'created'],
  usage_units: ['units', 'usage_units', 'quantity', 'usage', 'count'],
  feature_type: ['feature', 'feature_type', 'metric', 'meter'],
  signal_id: ['id', 'signal_id', 'alert_id'],
  timestamp: ['timestamp', 'time', 'created', 'triggered_at'],
  signal_type: ['type', 'signal_type', 'alert_type'],
  severity: ['severity', 'priority', 'level'],
  source: ['source', 'origin', 'tool'],
  related_entity: ['related_entity', 'entity', 'object'],
  payload_json: ['payload', 'payload_json', 'details', 'data']
};

export interface SampledColumn {
  readonly header: string;
  /** A few non-empty values from the file (the first rows). */
  readonly values: readonly string[];
}

const money = /^[-+(]?\s*[$€£¥]?\s*[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\)?$/;
const dateLike =
  /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}[ -][A-Za-z]{3}[ -]\d{4}|[A-Za-z]{3} \d{1,2}, \d{4}|\d{9,11})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?(\s*(Z|[+-]\d{2}:?\d{2}|UTC))?$/;
const idLike = /^[\p{L}\p{N}][\p{L}\p{N}_.:#/-]*$/u;

/** Share of sampled values that fit a contract column's type. */
export function typeFit(spec: ColumnSpec, values: readonly string[]): number {
  const present = values.map((v) => v.trim()).filter(Boolean);
  if (!present.length) return 0.5;
  const test = (re: RegExp) => present.filter((v) => re.test(v)).length / present.length;
  switch (spec.type) {
    case 'decimal':
      return test(money);
    case 'number':
      return test(/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/);
    case 'timestamp':
      return test(dateLike);
    case 'id':
      return test(idLike) * (test(money) === 1 && test(/\./) > 0 ? 0.3 : 1);
    case 'json':
      return test(/^\s*[{[]/);
    default:
      return test(money) === 1 || test(dateLike) === 1 ? 0.3 : 1;
  }
}

/** Name similarity of a header to a contract column, 0–1 (synonym match 0.9, exact 1). */
export function nameScore(column: string, header: string): number {
  const h = normalHeader(header);
  if (h === column) return 1;
  const syn = synonyms[column] ?? [];
  const tokens = headerTokens(header).join('_');
  if (syn.includes(h) || syn.includes(tokens)) return 0.9;
  if (editDistance(h, column) <= Math.min(2, Math.floor(column.length / 4))) return 0.85;
  const a = new Set(column.split('_'));
  const b = new Set(headerTokens(header));
  const shared = [...a].filter((t) => b.has(t)).length;
  const dice = (2 * shared) / (a.size + b.size || 1);
  return dice >= 0.5 ? 0.5 + dice * 0.3 : 0;
}

function fromRule(
  headers: readonly string[],
  column: string,
  rule: ColumnRule
): ColumnChoice | null {
  const transforms = rule.transforms ?? [];
  // A derivation also fills the rows a matched column leaves empty.
  const derived = rule.derived ? { derived: rule.derived } : {};
  const i = rule.from ? findHeader(headers, rule.from) : -1;
  const m = rule.metadata
    ? headers.find((h) => {
        const key = metadataKey(h);
        return key !== null && rule.metadata!.includes(key);
      })
    : undefined;
  // A metadata value is the company's own word for it: no transform of the header's applies.
  if (m && (rule.metadataFirst || i < 0))
    return {
      column,
      from: m,
      transforms: rule.metadataFirst ? [] : transforms,
      ...derived,
      source: 'metadata',
      confidence: 0.95
    };
  if (i >= 0)
    return {
      column,
      from: headers[i] ?? null,
      transforms,
      ...derived,
      source: 'preset',
      confidence: 1
    };
  if (rule.constant !== undefined)
    return {
      column,
      from: null,
      constant: rule.constant,
      transforms: [],
      source: 'constant',
      confidence: 1
    };
  if (rule.derived)
    return {
      column,
      from: null,
      transforms: [],
      derived: rule.derived,
      source: 'derived',
      confidence: 1
    };
  return null;
}

/**
 * The suggested mapping of a file's columns onto `table`. With a preset output, its rules come
 * first; every column still unmapped is matched by name and values among the headers no other
 * column took. Each source column maps to at most one contract column, except where a preset
 * says so (a payment's id is also its refund's linked payment).
 */
export function suggestColumns(
  table: TableName,
  sampled: readonly SampledColumn[],
  output?: PresetOutput
): ColumnChoice[] {
  const spec = tableSpec(table);
  const headers = sampled.map((s) => s.header);
  const choices = new Map<string, ColumnChoice>();
  if (output)
    for (const c of spec.columns) {
      const rule = output.columns[c.name];
      const choice = rule ? fromRule(headers, c.name, rule) : null;
      if (choice) choices.set(c.name, choice);
    }
  const taken = new Set([...choices.values()].map((c) => c.from).filter((f) => f !== null));
  const candidates: { column: ColumnSpec; header: SampledColumn; score: number; exact: boolean }[] =
    [];
  for (const c of spec.columns) {
    if (choices.has(c.name)) continue;
    for (const s of sampled) {
      if (
        taken.has(s.header) ||
        (metadataKey(s.header) !== null && metadataKey(s.header) !== c.name)
      )
        continue;
      const name = metadataKey(s.header) === c.name ? 0.95 : nameScore(c.name, s.header);
      if (name === 0) continue;
      const score = name * (0.4 + 0.6 * typeFit(c, s.values));
      if (score >= 0.5) candidates.push({ column: c, header: s, score, exact: name >= 0.95 });
    }
  }
  // Greedy by score, ties by the contract's column order then the file's: deterministic.
  const order = (name: string) => spec.columns.findIndex((c) => c.name === name);
  candidates.sort(
    (a, b) =>
      b.score - a.score ||
      order(a.column.name) - order(b.column.name) ||
      headers.indexOf(a.header.header) - headers.indexOf(b.header.header)
  );
  for (const cand of candidates) {
    if (choices.has(cand.column.name) || taken.has(cand.header.header)) continue;
    taken.add(cand.header.header);
    choices.set(cand.column.name, {
      column: cand.column.name,
      from: cand.header.header,
      transforms: defaultTransforms(cand.column, cand.header),
      source: cand.exact ? 'name' : 'similar_name',
      confidence: Math.round(cand.score * 100) / 100
    });
  }
  return spec.columns.map(
    (c) =>
      choices.get(c.name) ?? {
        column: c.name,
        from: null,
        transforms: [],
        source: null,
        confidence: 0
      }
  );
}

/** The transforms a matched column needs by its values: a country column feeding `region`. */
function defaultTransforms(column: ColumnSpec, sampled: SampledColumn): Transform[] {
  if (column.name === 'region' && !looksLikeRegions(sampled.values)) {
    const codes = sampled.values.every((v) => /^[A-Za-z]{2}$/.test(v.trim()));
    if (codes) return [{ kind: 'region', map: defaultRegionTable() }];
  }
  return [];
}
