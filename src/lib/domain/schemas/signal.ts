/**
 * Signals: what tells a run where to look. Rows of `signal_events` (with `payload_json` parsed
 * here, in TypeScript, since DuckDB-WASM has no JSON extension offline) and signals the monitor
 * computes from the data relative to the as-of date.
 */
import { z } from 'zod';

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export const severitySchema = z.enum(severities);
export type Severity = z.infer<typeof severitySchema>;
export const severityRank = (s: Severity): number => severities.indexOf(s);

/** Ids and places a signal points at; the plan focuses on them. */
export const signalFocusSchema = z.object({
  regions: z.array(z.string()),
  invoiceIds: z.array(z.string()),
  customerIds: z.array(z.string()),
  refundIds: z.array(z.string())
});
export type SignalFocus = z.infer<typeof signalFocusSchema>;

export const signalSchema = z.object({
  id: z.string().min(1),
  origin: z.enum(['signal_events', 'computed']),
  /** `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  timestamp: z.string(),
  type: z.string(),
  severity: severitySchema,
  source: z.string(),
  relatedEntity: z.string(),
  message: z.string(),
  metric: z
    .object({ name: z.string(), value: z.number(), baseline: z.number().nullable() })
    .nullable(),
  focus: signalFocusSchema,
  /** Why the payload could not be read, when it could not. */
  payloadProblem: z.string().nullable()
});
export type Signal = z.infer<typeof signalSchema>;

/** A row of `signal_events` as DuckDB returns it. */
export const signalRowSchema = z.object({
  signal_id: z.string(),
  timestamp: z.string().nullable(),
  signal_type: z.string().nullable(),
  severity: z.string().nullable(),
  source: z.string().nullable(),
  related_entity: z.string().nullable(),
  payload_json: z.string().nullable()
});
export type SignalRow = z.infer<typeof signalRowSchema>;

const payloadSchema = z.record(z.string(), z.unknown());
const idList = z.array(z.string());

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  const parsed = idList.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** A `signal_events` row as a signal; a broken payload is reported, never thrown. */
export function signalFromRow(row: SignalRow): Signal {
  let payload: Record<string, unknown> = {};
  let payloadProblem: string | null = null;
  if (row.payload_json && row.payload_json.trim() !== '') {
    try {
      const parsed = payloadSchema.safeParse(JSON.parse(row.payload_json));
      if (parsed.success) payload = parsed.data;
      else payloadProblem = 'payload_json is not a JSON object';
    } catch {
      payloadProblem = 'payload_json is not valid JSON';
    }
  }
  const severity = severitySchema.safeParse(row.severity?.trim().toLowerCase());
  const value = payload['value'];
  const threshold = payload['threshold'] ?? payload['expected'];
  const message = payload['message'];
  return {
    id: row.signal_id,
    origin: 'signal_events',
    timestamp: row.timestamp ?? '',
    type: row.signal_type ?? 'unknown',
    severity: severity.success ? severity.data : 'low',
    source: row.source ?? '',
    relatedEntity: (row.related_entity ?? '').trim().toLowerCase(),
    message:
      typeof message === 'string' ? message : `${row.signal_type ?? 'signal'} from ${row.source}`,
    metric:
      typeof payload['metric'] === 'string' && typeof (value ?? payload['actual']) === 'number'
        ? {
            name: payload['metric'],
            value: (value ?? payload['actual']) as number,
            baseline: typeof threshold === 'number' ? threshold : null
          }
        : null,
    focus: {
      regions: strings(payload['region']),
      invoiceIds: [...strings(payload['invoice_ids']), ...strings(payload['invoice_id'])],
      customerIds: [...strings(payload['customer_ids']), ...strings(payload['customer_id'])],
      refundIds: [...strings(payload['refund_ids']), ...strings(payload['refund_id'])]
    },
    payloadProblem
  };
}

/** Severity first, then the most recent, then id: the first one triggers the run. */
export function rankSignals(signals: readonly Signal[]): Signal[] {
  return [...signals].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.timestamp.localeCompare(a.timestamp) ||
      a.id.localeCompare(b.id)
  );
}
