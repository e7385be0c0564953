/**
 * What every detector is: a SQL builder over the billing tables (one set-based query that
 * returns only findings), a zod schema for the rows it returns, and the mapping of a row to a
 * finding with its evidence. Detectors read their thresholds from memory and the as-of date
 * from the context, never from a clock.
 */
import type { z } from 'zod';
import type { TableName } from '../../../../workers/contracts/tables';
import type { MemoryValues } from '../memory';
import type { AnomalyType, Finding } from '../schemas/finding';

export type { TableName };

export interface DetectorContext {
  /** The dataset's as-of date, `YYYY-MM-DD`: windows and baselines end with this day. */
  readonly asOf: string;
  readonly memory: MemoryValues;
  /** Columns of each loaded table, so optional columns (note, approved_by) are read when present. */
  readonly columns: Readonly<Partial<Record<TableName, readonly string[]>>>;
}

export type SqlParam = string | number | boolean | null;

export interface SqlQuery {
  readonly sql: string;
  readonly params: SqlParam[];
}

export interface Detector<Row = unknown> {
  readonly type: AnomalyType;
  /** Shown in the plan and the trace. */
  readonly label: string;
  /** Tables without which the detector cannot run (it is skipped, with this as the reason). */
  readonly requires: readonly TableName[];
  /** Refund, invoice, ... : which signals' `related_entity` this detector answers. */
  readonly entities: readonly string[];
  build(ctx: DetectorContext): SqlQuery;
  readonly row: z.ZodType<Row>;
  /**
   * Judges the rows as a set when a row alone cannot tell (a spike against the calendar's other
   * peaks): returns the rows that are findings. Without it every row is a finding.
   */
  select?(rows: readonly Row[], ctx: DetectorContext): Row[];
  /** Lines for the run summary about rows that are not findings (a process gap, with totals). */
  processNotes?(rows: readonly Row[], ctx: DetectorContext): string[];
  toFinding(row: Row, ctx: DetectorContext): Finding;
}
