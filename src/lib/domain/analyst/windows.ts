import type { Window } from './query';

/** A window as dates: `from` inclusive, `to` exclusive (null = unbounded). */
export interface DateSpan {
  readonly from: string | null;
  readonly to: string | null;
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

function parts(iso: string): [number, number, number] {
  const [y, m, d] = iso.split('-').map(Number);
  return [y as number, m as number, d as number];
}

function iso(y: number, m: number, d: number): string {
  // Date.UTC normalises overflowing months and days (month 13 → January of the next year).
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = parts(date);
  return iso(y, m, d + n);
}

function addMonths(date: string, n: number): string {
  const [y, m, d] = parts(date);
  const first = iso(y, m + n, 1);
  const [fy, fm] = parts(first);
  const last = Number(iso(fy, fm + 1, 0).slice(8));
  return iso(fy, fm, Math.min(d, last));
}

function monthStart(y: number, m: number): string {
  return iso(y, m, 1);
}

function quarterOf(m: number): number {
  return Math.floor((m - 1) / 3) + 1;
}

/** Monday of the ISO week holding `date`. */
function weekStart(date: string): string {
  const [y, m, d] = parts(date);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

/**
 * Dates of a window relative to the dataset's as-of date: "last N days" counts the as-of day,
 * "last quarter" is the previous calendar quarter, "this month" runs to the as-of day, a named
 * month without a year is the latest one that has begun by the as-of date.
 */
export function resolveWindow(window: Window, asOf: string): DateSpan {
  const [y, m] = parts(asOf);
  const end = addDays(asOf, 1);
  switch (window.kind) {
    case 'all':
      return { from: null, to: null };
    case 'last_days':
      return { from: addDays(asOf, -(window.n - 1)), to: end };
    case 'last_weeks':
      return { from: addDays(asOf, -(7 * window.n - 1)), to: end };
    case 'last_months':
      return { from: addDays(addMonths(asOf, -window.n), 1), to: end };
    case 'today':
      return { from: asOf, to: end };
    case 'yesterday':
      return { from: addDays(asOf, -1), to: asOf };
    case 'this_week':
      return { from: weekStart(asOf), to: end };
    case 'last_week': {
      const start = weekStart(asOf);
      return { from: addDays(start, -7), to: start };
    }
    case 'this_month':
      return { from: monthStart(y, m), to: end };
    case 'last_month':
      return { from: monthStart(y, m - 1), to: monthStart(y, m) };
    case 'this_quarter': {
      const q = quarterOf(m);
      return { from: monthStart(y, 3 * q - 2), to: end };
    }
    case 'last_quarter': {
      const q = quarterOf(m);
      return { from: monthStart(y, 3 * q - 5), to: monthStart(y, 3 * q - 2) };
    }
    case 'ytd':
      return { from: monthStart(y, 1), to: end };
    case 'last_year':
      return { from: monthStart(y - 1, 1), to: monthStart(y, 1) };
    case 'year':
      return { from: monthStart(window.year, 1), to: monthStart(window.year + 1, 1) };
    case 'month': {
      const year = window.year ?? (window.month <= m ? y : y - 1);
      return { from: monthStart(year, window.month), to: monthStart(year, window.month + 1) };
    }
    case 'quarter': {
      const year = window.year ?? (window.quarter <= quarterOf(m) ? y : y - 1);
      return {
        from: monthStart(year, 3 * window.quarter - 2),
        to: monthStart(year, 3 * window.quarter + 1)
      };
    }
    case 'range':
      return { from: window.from, to: addDays(window.to, 1) };
  }
}

/** The window just before, of the same kind and length (null for "all time"). */
export function previousWindow(window: Window, asOf: string): Window | null {
  const span = resolveWindow(window, asOf);
  const [y, m] = parts(asOf);
  switch (window.kind) {
    case 'all':
      return null;
    case 'this_month':
      return { kind: 'last_month' };
    case 'last_month':
      return { kind: 'month', month: ((m + 9) % 12) + 1, year: m <= 2 ? y - 1 : y };
    case 'this_quarter':
      return { kind: 'last_quarter' };
    case 'ytd': {
      return { kind: 'range', from: `${y - 1}-01-01`, to: addDays(addMonths(asOf, -12), 0) };
    }
    case 'last_year':
      return { kind: 'year', year: y - 2 };
    case 'year':
      return { kind: 'year', year: window.year - 1 };
    case 'this_week':
      return { kind: 'last_week' };
    case 'month':
    case 'last_quarter':
    case 'quarter': {
      const from = span.from as string;
      const months = window.kind === 'month' ? 1 : 3;
      const start = addMonths(from, -months);
      return { kind: 'range', from: start, to: addDays(from, -1) };
    }
    default: {
      if (window.kind === 'last_months') {
        const from = span.from as string;
        return {
          kind: 'range',
          from: addDays(addMonths(asOf, -2 * window.n), 1),
          to: addDays(from, -1)
        };
      }
      const from = span.from as string;
      const to = span.to as string;
      const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
      return { kind: 'range', from: addDays(from, -days), to: addDays(from, -1) };
    }
  }
}

/** "2026-06-01 to 2026-06-30", or "all time". */
export function spanLabel(span: DateSpan): string {
  if (!span.from && !span.to) return 'all time';
  const last = span.to ? addDays(span.to, -1) : null;
  if (span.from && last && span.from === last) return span.from;
  return `${span.from ?? 'the start'} to ${last ?? 'the end'}`;
}

/** How a window was named: "last 30 days", "March 2026". */
export function windowName(window: Window, asOf: string): string {
  switch (window.kind) {
    case 'all':
      return 'all time';
    case 'last_days':
      return `last ${window.n} days`;
    case 'last_weeks':
      return `last ${window.n} weeks`;
    case 'last_months':
      return `last ${window.n} months`;
    case 'ytd':
      return 'year to date';
    case 'month': {
      const from = resolveWindow(window, asOf).from as string;
      return `${monthNames[window.month - 1]} ${from.slice(0, 4)}`;
    }
    case 'quarter': {
      const from = resolveWindow(window, asOf).from as string;
      return `Q${window.quarter} ${from.slice(0, 4)}`;
    }
    case 'year':
      return String(window.year);
    case 'range':
      return `${window.from} to ${window.to}`;
    default:
      return window.kind.replace(/_/g, ' ');
  }
}

export { monthNames };
