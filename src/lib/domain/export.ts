/**
 * The case export, shared by the headless CLI (`data/triage.ts`) and the UI: one JSON shape and
 * its CSV form. CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @,
 * or a tab / carriage return) get a leading apostrophe (OWASP "CSV injection").
 */
import { z } from 'zod';
import { entitiesSchema } from './schemas/finding';
import type { TriageCase } from './schemas/case';

export const exportRecordSchema = z.object({
  case_id: z.string(),
  key: z.string(),
  run_id: z.string(),
  title: z.string(),
  anomaly_type: z.string(),
  severity: z.string(),
  confidence: z.number(),
  confidence_label: z.string(),
  estimated_impact: z.number(),
  evidence: z.object({
    summary: z.string(),
    rules: z.array(z.unknown()),
    facts: z.record(z.string(), z.unknown()),
    raw_impact: z.number(),
    penalty: z.number(),
    corroborated_by: z.array(z.string())
  }),
  affected_entities: entitiesSchema,
  recommended_action: z.string(),
  status: z.string(),
  sentiment: z.object({
    polarity: z.string(),
    risk: z.string(),
    score: z.number(),
    comparative: z.number(),
    risk_terms: z.array(z.string()),
    lines: z.array(z.object({ source: z.string(), text: z.string(), score: z.number() }))
  })
});
export type ExportRecord = z.infer<typeof exportRecordSchema>;

export function toExportRecord(c: TriageCase): ExportRecord {
  return {
    case_id: c.caseId,
    key: c.key,
    run_id: c.runId,
    title: c.title,
    anomaly_type: c.type,
    severity: c.severity,
    confidence: c.confidence,
    confidence_label: c.confidenceLabel,
    estimated_impact: c.estimatedImpact,
    evidence: {
      summary: c.summary,
      rules: c.rules,
      facts: c.facts,
      raw_impact: c.rawImpact,
      penalty: c.penalty,
      corroborated_by: c.corroboratedBy
    },
    affected_entities: c.entities,
    recommended_action: c.recommendedAction,
    status: c.status,
    sentiment: {
      polarity: c.sentiment.polarity,
      risk: c.sentiment.risk,
      score: c.sentiment.score,
      comparative: c.sentiment.comparative,
      risk_terms: c.sentiment.riskTerms,
      lines: c.sentiment.lines.map(({ source, text, score }) => ({ source, text, score }))
    }
  };
}

export function toExportJson(cases: readonly TriageCase[]): string {
  return `${JSON.stringify(cases.map(toExportRecord), null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'case_id',
  'key',
  'run_id',
  'title',
  'anomaly_type',
  'severity',
  'confidence',
  'confidence_label',
  'estimated_impact',
  'customer_id',
  'invoice_id',
  'refund_ids',
  'refund_id',
  'region',
  'date',
  'recommended_action',
  'status',
  'sentiment_polarity',
  'sentiment_risk',
  'evidence'
] as const;

/** One CSV cell: formula-looking text neutralised, then quoted when needed. */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toExportCsv(cases: readonly TriageCase[]): string {
  const lines = cases.map(toExportRecord).map((r) => {
    const e = r.affected_entities;
    const row: Record<(typeof CSV_COLUMNS)[number], string | number | undefined> = {
      case_id: r.case_id,
      key: r.key,
      run_id: r.run_id,
      title: r.title,
      anomaly_type: r.anomaly_type,
      severity: r.severity,
      confidence: r.confidence,
      confidence_label: r.confidence_label,
      estimated_impact: r.estimated_impact,
      customer_id: e.customer_id,
      invoice_id: e.invoice_id,
      refund_ids: e.refund_ids?.join(' '),
      refund_id: e.refund_id,
      region: e.region,
      date: e.date,
      recommended_action: r.recommended_action,
      status: r.status,
      sentiment_polarity: r.sentiment.polarity,
      sentiment_risk: r.sentiment.risk,
      evidence: r.evidence.summary
    };
    return CSV_COLUMNS.map((c) => csvCell(row[c])).join(',');
  });
  return `${[CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

/**
 * An import's problems as CSV, for the person who fixes the export: file, physical line,
 * column, severity and reason (the engine's message last). Cells that a spreadsheet would run
 * as a formula are neutralised, since file names and values come from the data.
 */
export function problemsCsv(
  problems: readonly {
    file: string;
    line?: number | undefined;
    column?: string | undefined;
    reason: string;
    severity?: 'error' | 'warning' | undefined;
    technical?: string | undefined;
  }[]
): string {
  const header = ['file', 'line', 'column', 'severity', 'reason', 'technical'];
  const rows = problems.map((p) =>
    [p.file, p.line, p.column, p.severity ?? 'error', p.reason, p.technical].map(csvCell).join(',')
  );
  return `${[header.join(','), ...rows].join('\n')}\n`;
}
