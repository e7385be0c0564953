/**
 * Calendar arithmetic on integer day numbers (days since 1970-01-01, proleptic Gregorian) and
 * seconds, without Date objects: formatting millions of timestamps through Date is slow and
 * would tie the output to the host's time-zone rules. Algorithms from Howard Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms" (https://howardhinnant.github.io/date_algorithms.html).
 */

export const SECONDS_PER_DAY = 86_400;

/** Day number of a civil date (month 1–12). Months outside 1–12 roll over into other years. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const monthIndex = month - 1;
  const y0 = year + Math.floor(monthIndex / 12);
  const m = (((monthIndex % 12) + 12) % 12) + 1;
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  return daysFromCivil(year, month + 1, 1) - daysFromCivil(year, month, 1);
}

export function dayOfMonth(days: number): number {
  return civilFromDays(days).day;
}

export const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) =>
  i < 10 ? `0${i}` : `${i}`
);

export function formatDay(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${year}-${PAD2[month]}-${PAD2[day]}`;
}

/** Parses `YYYY-MM-DD` (anything after the date is ignored) into a day number. */
export function parseDay(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) throw new Error(`not an ISO date: ${text}`);
  return daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Parses `YYYY-MM-DD HH:MM:SS` (or a `T` separator, or a plain date) into epoch seconds. */
export function parseTimestamp(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?/.exec(text);
  if (!match) throw new Error(`not an ISO timestamp: ${text}`);
  const days = daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
  const seconds = Number(match[4] ?? 0) * 3600 + Number(match[5] ?? 0) * 60 + Number(match[6] ?? 0);
  return days * SECONDS_PER_DAY + seconds;
}

/**
 * Formats epoch seconds as `YYYY-MM-DD HH:MM:SS`, caching the date part per day: the simulation
 * formats a few million timestamps that fall on a few hundred distinct days.
 */
export class TimestampFormatter {
  #dayCache = new Map<number, string>();

  day(days: number): string {
    let text = this.#dayCache.get(days);
    if (text === undefined) {
      text = formatDay(days);
      this.#dayCache.set(days, text);
    }
    return text;
  }

  timestamp(epochSeconds: number): string {
    const days = Math.floor(epochSeconds / SECONDS_PER_DAY);
    let rest = epochSeconds - days * SECONDS_PER_DAY;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    const seconds = rest - minutes * 60;
    return `${this.day(days)} ${PAD2[hours]}:${PAD2[minutes]}:${PAD2[seconds]}`;
  }
}
