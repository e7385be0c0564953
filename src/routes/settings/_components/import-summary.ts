import type { ImportProblem, ImportReport } from '$workers/contracts/analytics';

/**
 * What the import summary says, as data: its tone (green / amber / red), its headline, and the
 * problems grouped so a repeated problem is one line with its count and first line numbers.
 */

export type SummaryTone = 'ok' | 'warn' | 'error';

export interface ImportSummary {
  readonly tone: SummaryTone;
  readonly headline: string;
  readonly rejected: number;
  readonly warnings: number;
}

export function summarize(report: ImportReport): ImportSummary {
  const rejected = report.tables.reduce((n, t) => n + t.rowsRejected, 0);
  const warnings = report.tables.reduce((n, t) => n + (t.warnings ?? 0), 0);
  const dropped = report.droppedTables ?? [];
  const unreadable = report.problems.filter((p) => p.line === undefined && !p.table && !p.severity);
  const plural = (n: number, word: string) =>
    `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
  if (dropped.length > 0 || unreadable.length > 0) {
    const names = [...dropped, ...unreadable.map((p) => p.file)];
    return {
      tone: 'error',
      headline: `Not loaded: ${names.join(', ')}. ${dropped.length === 1 ? 'That table is' : 'Those tables are'} missing from the dataset now; see below why.`,
      rejected,
      warnings
    };
  }
  if (rejected > 0 || warnings > 0) {
    const parts = [
      ...(rejected > 0 ? [`${plural(rejected, 'row')} rejected`] : []),
      ...(warnings > 0 ? [plural(warnings, 'warning')] : [])
    ];
    return { tone: 'warn', headline: `Loaded, with ${parts.join(' and ')}.`, rejected, warnings };
  }
  return { tone: 'ok', headline: 'Everything loaded.', rejected, warnings };
}

export interface ProblemGroup {
  readonly key: string;
  readonly first: ImportProblem;
  /** Line numbers of the first few problems of the group, in file order. */
  readonly lines: number[];
  readonly count: number;
}

/** Problems with the same file, column, severity and reason (values aside) become one group. */
export function groupProblems(problems: readonly ImportProblem[], shownLines = 5): ProblemGroup[] {
  const groups = new Map<string, { first: ImportProblem; lines: number[]; count: number }>();
  for (const p of problems) {
    const shape = p.reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, '#');
    const key = [p.file, p.column ?? '', p.severity ?? 'error', shape].join('\u0000');
    const g = groups.get(key) ?? { first: p, lines: [], count: 0 };
    g.count++;
    if (p.line !== undefined && g.lines.length < shownLines) g.lines.push(p.line);
    groups.set(key, g);
  }
  return [...groups.entries()].map(([key, g]) => ({ key, ...g }));
}
