/**
 * Memory: every threshold and rule a run depends on, as named settings with a default, bounds
 * and the largest change one learning step may make. Nothing a detector decides on is a hidden
 * constant: a person can see and tune each of these, and the memory agent (or an LLM inside
 * these guardrails) proposes changes to exactly these keys.
 */
import { z } from 'zod';

interface NumberSetting {
  readonly kind: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** The largest change one memory update may make. */
  readonly maxStep: number;
  readonly integer: boolean;
  readonly description: string;
}
interface BooleanSetting {
  readonly kind: 'boolean';
  readonly default: boolean;
  readonly description: string;
}
export type MemorySetting = NumberSetting | BooleanSetting;

const num = (
  value: number,
  min: number,
  max: number,
  maxStep: number,
  description: string,
  integer = false
): NumberSetting => ({ kind: 'number', default: value, min, max, maxStep, integer, description });
const flag = (value: boolean, description: string): BooleanSetting => ({
  kind: 'boolean',
  default: value,
  description
});

const penalty = (type: string) =>
  num(
    0,
    0,
    0.9,
    0.2,
    `False-positive penalty for ${type}: impact × (1 − p); confidence drops a level when p > 0.`
  );

/** The settings, their defaults (those of the original OpsIQ where it had one) and bounds. */
export const MEMORY_SETTINGS = {
  duplicate_window_hours: num(
    2,
    0.25,
    72,
    2,
    'Refunds without a linked payment: same customer and amount this close count as a duplicate.'
  ),
  duplicate_linked_window_hours: num(
    72,
    1,
    720,
    24,
    'Refunds of the same payment, customer and amount this close count as a duplicate.'
  ),
  underbilling_min_gap: num(10, 0, 1000, 25, 'Smallest billing gap in dollars worth a case.'),
  underbilling_min_gap_ratio: num(
    0.05,
    0,
    0.5,
    0.05,
    'Materiality bar: gaps below this share of the expected amount are rounding or FX noise.'
  ),
  underbilling_prorate_tolerance: num(
    1,
    0,
    50,
    5,
    'A first invoice within this many dollars of the prorated price is a normal proration.'
  ),
  spike_ratio: num(
    2,
    1.2,
    10,
    0.5,
    "Floor: a spike has more than this multiple of the day's expected count (floored at 1), the original's ratio."
  ),
  spike_min_refunds: num(3, 1, 100, 2, 'Floor: a spike needs at least this many refunds.', true),
  spike_min_excess: num(
    3,
    0,
    100,
    1,
    'Floor: a spike has at least this many refunds more than the expected count.'
  ),
  spike_max_p: num(
    0.005,
    0.000001,
    0.1,
    0.005,
    "The test: a day is a spike when a count this high has at most this probability under the region's count model."
  ),
  spike_min_robust_z: num(
    3,
    0,
    10,
    1,
    'Floor: at least this many standard deviations (√(μ + φμ²)) above the expected count μ.'
  ),
  spike_baseline_days: num(
    28,
    7,
    120,
    7,
    "The region's level: a trimmed mean of this many days around the day, half before and half after (fewer at the data's edges).",
    true
  ),
  spike_prior_days: num(
    14,
    0,
    120,
    7,
    "Shrinkage: the level borrows this many days' worth of the region's whole-period rate, so a short history is judged too.",
    true
  ),
  spike_shape_prior_refunds: num(
    20,
    0,
    500,
    20,
    "Calendar shape: a region's weekday and month-phase factors are shrunk toward the whole dataset's with this many refunds' weight, so a quiet region borrows the shape it cannot measure.",
    true
  ),
  spike_trim_sd: num(
    3,
    1,
    10,
    1,
    'Robustness: days above the median + this many √median (+1) are left out of the level (and count only up to it in the whole-period rate), so spikes do not inflate it.'
  ),
  spike_max_dispersion: num(
    1,
    0,
    5,
    0.5,
    "Largest negative-binomial dispersion φ (variance μ + φμ²) estimated from a region's days; 0 = Poisson."
  ),
  spike_recurring_min_other_months: num(
    2,
    1,
    12,
    1,
    'A peak that recurs on the same calendar day (day of month, first / last business days, weekday of month, quarter end) in this many other months is a calendar batch.',
    true
  ),
  spike_recurring_min_share: num(
    0.5,
    0.1,
    1,
    0.1,
    'Another month "recurs" when its excess over its own expected count is within this share of the peak\'s (either way).'
  ),
  spike_recurring_max_p: num(
    0.01,
    0.000001,
    0.2,
    0.01,
    'A recurrence must itself be unusual for its day (tail probability at most this): ordinary busy days are not a calendar batch.'
  ),
  spike_recurring_hours: num(
    3,
    0.5,
    12,
    1,
    'A recurrence peaks in a similar part of the day: median refund times at most this many hours apart.'
  ),
  spike_recurring_business_days: num(
    2,
    1,
    5,
    1,
    "First / last business day of the month: within this many business days (Mon–Fri) of the month's start or end.",
    true
  ),
  manual_credit_bar: num(200, 0, 100_000, 100, 'Manual credits above this amount need a look.'),
  manual_credit_flag_unapproved: flag(
    true,
    'Flag a manual credit without an approver (when the data has an approved_by column).'
  ),
  manual_credit_price_is_routine: flag(
    true,
    "An approved credit within the customer's monthly price is routine, even above the bar."
  ),
  approval_impact_bar: num(200, 0, 1_000_000, 100, 'Cases above this impact get an approval task.'),
  fp_penalty_duplicate_refund: penalty('duplicate refunds'),
  fp_penalty_underbilling: penalty('underbilling'),
  fp_penalty_tier_mismatch: penalty('tier mismatches'),
  fp_penalty_refund_spike: penalty('refund spikes'),
  fp_penalty_manual_credit: penalty('manual credits'),
  explanation_concise: flag(
    false,
    "Analyst answers in a concise style (true) or a detailed one (false); set by people's Useful / Not useful votes."
  )
} as const satisfies Record<string, MemorySetting>;

export type MemoryKey = keyof typeof MEMORY_SETTINGS;

function settingSchema(s: MemorySetting): z.ZodType<number | boolean> {
  if (s.kind === 'boolean') return z.boolean().default(s.default);
  const base = z.number().min(s.min).max(s.max);
  return (s.integer ? base.int() : base).default(s.default);
}

type ValueOf<S> = S extends NumberSetting ? number : boolean;
/** The values of every setting. */
export type MemoryValues = { -readonly [K in MemoryKey]: ValueOf<(typeof MEMORY_SETTINGS)[K]> };

const shape = Object.fromEntries(
  Object.entries(MEMORY_SETTINGS).map(([key, s]) => [key, settingSchema(s)])
) as { [K in MemoryKey]: z.ZodType<MemoryValues[K]> };

/** Missing keys take their default; a value out of bounds is an error. */
export const memoryValuesSchema = z.object(shape);

/** A finding a person marked false positive, with the evidence it had then. */
export const dismissalSchema = z.object({
  key: z.string().min(1),
  /** `evidenceFingerprint` of the finding when it was dismissed: new evidence reopens it. */
  fingerprint: z.string().min(1)
});
export type Dismissal = z.infer<typeof dismissalSchema>;

/** A memory version: the values plus finding keys people have suppressed or dismissed. */
export const memorySchema = z.object({
  version: z.number().int().nonnegative().default(0),
  values: memoryValuesSchema.default(() => defaultMemoryValues()),
  /** Finding keys (e.g. `manual_credit:REF009`) never turned into cases again. */
  suppressedKeys: z.array(z.string().min(1)).default([]),
  /** Findings marked false positive: on reruns their case stays dismissed while the evidence is the same. */
  dismissed: z.array(dismissalSchema).default([])
});
export type Memory = z.infer<typeof memorySchema>;

export function defaultMemoryValues(): MemoryValues {
  return Object.fromEntries(
    Object.entries(MEMORY_SETTINGS).map(([key, s]) => [key, s.default])
  ) as MemoryValues;
}

export function defaultMemory(): Memory {
  return { version: 0, values: defaultMemoryValues(), suppressedKeys: [], dismissed: [] };
}

/** Why a proposed value is refused (out of bounds or too big a step), or null when it may apply. */
export function guardrailViolation(
  key: MemoryKey,
  from: number | boolean,
  to: number | boolean
): string | null {
  const s: MemorySetting = MEMORY_SETTINGS[key];
  if (s.kind === 'boolean') return typeof to === 'boolean' ? null : `${key} is true or false`;
  // Stryker disable next-line ConditionalExpression: equivalent (Number.isFinite is false for any non-number; typeof narrows the type only)
  if (typeof to !== 'number' || !Number.isFinite(to)) return `${key} must be a number`;
  if (s.integer && !Number.isInteger(to)) return `${key} must be a whole number`;
  if (to < s.min || to > s.max) return `${key} must lie within [${s.min}, ${s.max}]`;
  if (typeof from === 'number' && Math.abs(to - from) > s.maxStep + 1e-9)
    return `${key} may change by at most ${s.maxStep} in one step`;
  return null;
}
