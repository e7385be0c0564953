/**
 * The calendar days a finance team plans batches on, for a `YYYY-MM-DD` date: the day of month,
 * the same weekday of the month (3rd Friday), the first / last business days of the month
 * (Mon–Fri, within a tolerance so a holiday that moves a batch by a day still matches) and the
 * quarter's end. Two days "share" an anchor when both carry the same anchor string.
 */

export interface CalendarDay {
  /** `YYYY-MM`: recurrences are counted in other months. */
  month: string;
  /** The anchors this day carries (`dom:31`, `wom:5:3`, `month_start`, `month_end`, `quarter_end`). */
  anchors: string[];
}

const weekday = (t: number) => {
  const d = new Date(t).getUTCDay();
  return d === 0 ? 7 : d;
};

/** Anchors of a date; `tolerance` business (or calendar) days from the month's start or end. */
export function calendarDay(date: string, tolerance: number): CalendarDay {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const dow = weekday(t);
  const business = dow <= 5;
  let fromStart = 0;
  for (let k = 1; k <= d; k++) if (weekday(Date.UTC(y, m - 1, k)) <= 5) fromStart++;
  let fromEnd = 0;
  for (let k = d; k <= daysInMonth; k++) if (weekday(Date.UTC(y, m - 1, k)) <= 5) fromEnd++;
  const anchors = [`dom:${d}`, `wom:${dow}:${Math.ceil(d / 7)}`];
  const start = (business && fromStart <= tolerance) || d <= tolerance;
  const end = (business && fromEnd <= tolerance) || daysInMonth - d < tolerance;
  if (start) anchors.push('month_start');
  if (end) anchors.push('month_end');
  if (end && m % 3 === 0) anchors.push('quarter_end');
  return { month: date.slice(0, 7), anchors };
}

/** Words for an anchor, for the evidence. */
export function anchorWords(anchor: string): string {
  if (anchor === 'month_start') return 'the first business days of the month';
  if (anchor === 'month_end') return 'the last business days of the month';
  if (anchor === 'quarter_end') return "the quarter's last business days";
  const [kind, a, b] = anchor.split(':');
  if (kind === 'dom') return `day ${a} of the month`;
  const names = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  const nth = ['', '1st', '2nd', '3rd', '4th', '5th'];
  return `the ${nth[Number(b)] ?? b} ${names[Number(a)] ?? a} of the month`;
}
