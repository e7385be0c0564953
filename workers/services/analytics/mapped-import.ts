import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import {
  compileOutput,
  helperColumn,
  outputSelectSql
} from '../../../src/lib/domain/mapping/compile';
import {
  customerThroughPaymentSql,
  expectedFromSubscriptionSql,
  skippedDetectors,
  type ImportProvenance,
  type SkippedDetector
} from '../../../src/lib/domain/mapping/derive';
import { headerSignature, normalHeader } from '../../../src/lib/domain/mapping/headers';
import type { MappingFile } from '../../../src/lib/domain/mapping/mapping-file';
import {
  presets,
  type ColumnRule,
  type PresetOutput
} from '../../../src/lib/domain/mapping/presets';
import { recognise } from '../../../src/lib/domain/mapping/recognise';
import {
  suggestColumns,
  type ColumnChoice,
  type SampledColumn
} from '../../../src/lib/domain/mapping/suggest';
import {
  chooseDateFormat,
  dateFormats,
  dateProbeSql
} from '../../../src/lib/domain/mapping/transforms';
import { plural } from '../../../src/lib/domain/plural';
import { ident, literal } from '../../../src/lib/domain/sql-text';
import {
  problemLimitPerFile,
  type CsvFile,
  type ImportProblem,
  type MappedSource
} from '../../contracts/analytics';
import { tableSpec, tableSpecs, type TableName } from '../../contracts/tables';
import { concat, fromOffset, readRange, type CsvContent } from './csv-content';
import { splitHeader } from './csv-file';
import { CsvLineIndex } from './csv-lines';
import { rowsOf, type RegisterContent } from './load-table';
import { checkReason, shownValue, typedExpr } from './validation-sql';

/**
 * Real exports (a Stripe folder, a spreadsheet through a saved mapping) into OpsIQ's tables,
 * before the importer proper: each such file is read by DuckDB as text, its columns mapped
 * (by the confirmed mapping, else the preset's suggestion), the tables it feeds built in SQL
 * (several files may feed one table: refunds from the balance history and manual credits from
 * customer balance adjustments), the derived columns filled, and each table handed to the
 * importer as one CSV in the contract's columns. The importer then checks it exactly as it
 * checks a file of ours; every problem it finds is reported against the source file, line and
 * column it came from.
 */

export interface VirtualTable {
  readonly table: TableName;
  /** The importer's name for it (`mapped/<table>.csv`). */
  readonly fileName: string;
  /** Source file index and record index (0-based) of each row, in the CSV's order. */
  readonly origin: { readonly file: Int32Array; readonly record: Int32Array };
  /** Contract column → source header, per source file index. */
  readonly headerOf: ReadonlyMap<number, ReadonlyMap<string, string>>;
  readonly content: Uint8Array;
}

export interface Expansion {
  /** Files for the importer: the untouched ones, then one per mapped table. */
  readonly files: CsvFile[];
  readonly virtual: readonly VirtualTable[];
  readonly sources: readonly MappedSource[];
  readonly problems: ImportProblem[];
  readonly notes: string[];
  readonly provenance: ImportProvenance;
  readonly unsupported: SkippedDetector[];
  /** Source files by index, for line numbers. */
  readonly sourceFiles: readonly { readonly fileName: string; readonly content: CsvContent }[];
  /** Rows rejected while mapping (a value that does not convert), per table. */
  readonly rejected: Partial<Record<TableName, number>>;
}

const money = (sql: string) =>
  typedExpr(
    { name: 'amount', type: 'decimal', required: true, notNull: false, positive: false },
    sql
  );

interface Candidate {
  readonly index: number;
  readonly file: CsvFile;
  readonly content: CsvContent;
  readonly delimiter: string;
  readonly headers: string[];
  readonly outputs: readonly (PresetOutput & { readonly choices?: readonly ColumnChoice[] })[];
  readonly label: string;
  readonly presetId: string | null;
}

async function headerOf(data: CsvFile['data']): Promise<{ content: CsvContent; line: string }> {
  let content: CsvContent = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const head = await readRange(content, 0, 64 * 1024);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) content = fromOffset(content, 3);
  const text = new TextDecoder().decode(await readRange(content, 0, 64 * 1024));
  const end = text.search(/\r?\n/);
  return { content, line: end < 0 ? text : text.slice(0, end) };
}

/** The delimiter that splits the header into the most columns (a comma on a tie). */
function delimiterOf(line: string): string {
  let best = ',';
  for (const d of [',', ';', '\t', '|'])
    if (splitHeader(line, d).length > splitHeader(line, best).length) best = d;
  return best;
}

/**
 * Finds the files that need a mapping and builds their tables. Files of OpsIQ's own tables and
 * files nothing recognises pass through untouched (the importer reports the latter).
 */
export async function expandMappedFiles(
  db: DuckDBBindings,
  conn: DuckDBConnection,
  files: readonly CsvFile[],
  mappings: readonly MappingFile[],
  register: RegisterContent
): Promise<Expansion> {
  const passThrough: CsvFile[] = [];
  const candidates: Candidate[] = [];
  const nativeTables = new Set<TableName>();
  for (const file of files) {
    const { content, line } = await headerOf(file.data);
    const delimiter = delimiterOf(line);
    const headers = splitHeader(line, delimiter);
    const signature = headerSignature(headers);
    const saved = mappings.find((m) => m.signature === signature);
    const r = recognise(file.fileName, headers);
    if (saved) {
      const preset = presets.find((p) => p.id === saved.source);
      candidates.push({
        index: candidates.length,
        file,
        content,
        delimiter,
        headers,
        label: preset ? `${preset.label} (saved mapping)` : 'a saved mapping',
        presetId: saved.source,
        outputs: saved.outputs.map((o) => ({
          ...(preset?.outputs.find((p) => p.table === o.table) ?? { columns: {} }),
          table: o.table,
          choices: o.columns
        }))
      });
    } else if (r.kind === 'preset') {
      candidates.push({
        index: candidates.length,
        file,
        content,
        delimiter,
        headers,
        label: r.preset.label,
        presetId: r.preset.id,
        outputs: r.preset.outputs
      });
    } else {
      if (r.kind === 'table') nativeTables.add(r.table);
      passThrough.push(file);
    }
  }
  const empty: Expansion = {
    files: [...files],
    virtual: [],
    sources: [],
    problems: [],
    notes: [],
    provenance: {},
    unsupported: [],
    sourceFiles: [],
    rejected: {}
  };
  if (candidates.length === 0) return empty;

  const problems: ImportProblem[] = [];
  const notes: string[] = [];
  const sources: MappedSource[] = [];
  const presetIds = new Set(candidates.map((c) => c.presetId));
  const parts = new Map<
    TableName,
    { sql: string; candidate: Candidate; output: PresetOutput; choices: readonly ColumnChoice[] }[]
  >();
  const registered: string[] = [];
  try {
    // Every file is read first, so the dataset's currency is known before any row is mapped.
    const unreadable = new Set<number>();
    const currencies = new Map<string, number>();
    for (const c of candidates) {
      const fileId = `opsiq_source_${c.index}.csv`;
      await register(db, fileId, c.content);
      registered.push(fileId);
      const src = `__src_${c.index}`;
      const columns = c.headers.map((_, k) => `'c${k}': 'VARCHAR'`).join(', ');
      try {
        conn.query(
          `CREATE OR REPLACE TABLE ${src} AS SELECT * FROM read_csv(${literal(fileId)}, header=true, auto_detect=false, columns={${columns}}, delim=${literal(c.delimiter)}, quote='"', escape='"', strict_mode=false, null_padding=true)`
        );
      } catch (error) {
        unreadable.add(c.index);
        problems.push({
          file: c.file.fileName,
          reason: `the file could not be read as the ${c.label}: it is not well-formed CSV`,
          technical: error instanceof Error ? error.message : String(error)
        });
        continue;
      }
      // Only rows that carry amounts count (a customer's currency is not an amount's).
      const k = currencyIndex(c.headers);
      if (k < 0 || !c.outputs.some((o) => carriesAmounts(o.table))) continue;
      for (const row of rowsOf(
        conn,
        `SELECT lower(trim(c${k})) AS cur, count(*)::INTEGER AS n FROM ${src} WHERE NULLIF(trim(c${k}), '') IS NOT NULL GROUP BY 1`
      ))
        currencies.set(String(row.cur), (currencies.get(String(row.cur)) ?? 0) + Number(row.n));
    }
    // The currency most rows are in; amounts in any other are never added to it.
    const dominant =
      [...currencies].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
    if (dominant && currencies.size > 1)
      notes.push(
        `these exports hold amounts in ${currencies.size} currencies (${[...currencies]
          .map(([cur, n]) => `${cur.toUpperCase()}: ${plural(n, 'row')}`)
          .join(
            ', '
          )}): OpsIQ adds amounts up, so it loads the ${dominant.toUpperCase()} rows and rejects the others`
      );
    for (const c of candidates) {
      if (unreadable.has(c.index)) continue;
      const src = `__src_${c.index}`;
      const column = (h: string) => {
        const k = c.headers.indexOf(h);
        return k < 0 ? 'NULL::VARCHAR' : ident(`c${k}`);
      };
      const sampleRows = rowsOf(conn, `SELECT * FROM ${src} LIMIT 200`);
      const sampled: SampledColumn[] = c.headers.map((header, k) => ({
        header,
        values: sampleRows
          .map((row) => row[`c${k}`])
          .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
      }));
      const [{ n: total = 0 } = {}] = rowsOf(conn, `SELECT count(*)::INTEGER AS n FROM ${src}`) as {
        n?: number;
      }[];
      const report: MappedSource = {
        file: c.file.fileName,
        recognisedAs: c.label,
        preset: c.presetId,
        signature: headerSignature(c.headers),
        headers: c.headers,
        outputs: []
      };
      for (const output of c.outputs) {
        const fallback = output.fallback;
        if (
          fallback &&
          (nativeTables.has(output.table) || fallback.unless.some((id) => presetIds.has(id)))
        )
          continue;
        let choices = output.choices ?? suggestColumns(output.table, sampled, output);
        // Dates: the engine says which format reads every value; a day/month tie is the person's.
        let blocked: string | null = null;
        choices = choices.map((ch) => {
          const spec = tableSpec(output.table).columns.find((s) => s.name === ch.column);
          if (spec?.type !== 'timestamp' || ch.from === null) return ch;
          if (ch.transforms.some((t) => t.kind === 'date')) return ch;
          const [probe] = rowsOf(conn, dateProbeSql(src, column(ch.from)));
          const choice = chooseDateFormat(
            Object.fromEntries(Object.entries(probe ?? {}).map(([k, v]) => [k, Number(v)]))
          );
          if (choice.kind === 'ambiguous') {
            const example = sampled.find((s) => s.header === ch.from)?.values[0] ?? '';
            const [a, b] = choice.formats.map((f) => dateFormats.find((d) => d.id === f)?.example);
            blocked = `dates in "${ch.from}" (such as ${JSON.stringify(example)}) read both day first (${a}) and month first (${b}): say which on the mapping screen, or give a mapping file with the format`;
            return ch;
          }
          if (choice.kind === 'format' && choice.format !== 'iso')
            return {
              ...ch,
              transforms: [...ch.transforms, { kind: 'date', format: choice.format }]
            };
          return ch;
        });
        const compiled = compileOutput(
          output.table,
          choices,
          c.headers,
          { column, parseMoney: money, ...(output.idPrefix ? { idPrefix: output.idPrefix } : {}) },
          output.filter ?? [],
          output.helpers ?? {}
        );
        if (blocked || compiled.unmapped.length > 0) {
          problems.push({
            table: output.table,
            file: c.file.fileName,
            line: 1,
            ...(compiled.unmapped[0] ? { column: compiled.unmapped[0] } : {}),
            reason:
              blocked ??
              `no column of this file gives ${compiled.unmapped.join(', ')} for ${output.table}: map ${compiled.unmapped.length > 1 ? 'them' : 'it'} on the mapping screen`
          });
          continue;
        }
        if (compiled.absent.length > 0)
          notes.push(
            `${c.file.fileName}: ${compiled.absent.join(', ')} ${compiled.absent.length > 1 ? 'are' : 'is'} not in this export: left empty in ${output.table}`
          );
        // A value that is there but does not convert is the row's error, said at its source line.
        const specOf = (name: string) =>
          tableSpec(output.table).columns.find((x) => x.name === name);
        const checks = compiled.select.flatMap((sel) => {
          const spec = specOf(sel.column);
          if (!sel.from || !spec || !['decimal', 'timestamp', 'number'].includes(spec.type))
            return [];
          const raw = column(sel.from);
          return [
            {
              when: `NULLIF(trim(${raw}), '') IS NOT NULL AND (${sel.sql}) IS NULL`,
              raw,
              header: sel.from,
              column: sel.column
            }
          ];
        });
        const cur = currencyIndex(c.headers);
        if (dominant && cur >= 0 && currencies.size > 1 && carriesAmounts(output.table))
          checks.push({
            when: `NULLIF(trim(c${cur}), '') IS NOT NULL AND lower(trim(c${cur})) <> ${literal(dominant)}`,
            raw: `c${cur}`,
            header: c.headers[cur] ?? 'Currency',
            column: currencyCheck
          });
        const badCol = checks.length
          ? `CASE ${checks.map((k) => `WHEN ${k.when} THEN ${literal(JSON.stringify([k.column, k.header]))}`).join(' ')} END`
          : 'NULL::VARCHAR';
        const badVal = checks.length
          ? `CASE ${checks.map((k) => `WHEN ${k.when} THEN ${k.raw}`).join(' ')} END`
          : 'NULL::VARCHAR';
        const select = outputSelectSql(compiled, src).replace(
          /^SELECT /,
          `SELECT ${c.index} AS __f, rowid::INTEGER AS __r, ${badCol} AS __bad_col, ${badVal} AS __bad_val, `
        );
        const list = parts.get(output.table) ?? [];
        list.push({ sql: select, candidate: c, output, choices });
        parts.set(output.table, list);
        const [{ n: kept = 0 } = {}] = rowsOf(
          conn,
          `SELECT count(*)::INTEGER AS n FROM ${src} WHERE ${compiled.where}`
        ) as { n?: number }[];
        if (output.filter && kept < total)
          notes.push(
            `${c.file.fileName}: ${(total - kept).toLocaleString('en')} of ${total.toLocaleString('en')} rows are not ${output.table} (${output.derivedFrom ?? 'other kinds of row'}): not loaded as ${output.table}`
          );
        report.outputs.push({
          table: output.table,
          rows: kept,
          columns: choices.map((ch) => ({
            column: ch.column,
            from: ch.from,
            ...(ch.constant !== undefined ? { constant: ch.constant } : {}),
            ...(ch.derived ? { derived: ch.derived } : {}),
            source: ch.source,
            transforms: ch.transforms.map((t) => t.kind)
          })),
          ...(output.derivedFrom ? { derivedFrom: output.derivedFrom } : {}),
          ...(output.fallback ? { caveat: output.fallback.caveat } : {})
        });
      }
      sources.push(report);
    }

    // One table per target, from every file that feeds it.
    for (const [table, list] of parts) {
      conn.query(
        `CREATE OR REPLACE TABLE ${mappedTable(table)} AS ${list.map((p) => `(${p.sql})`).join(' UNION ALL BY NAME ')}`
      );
    }
    const rejected = await takeUnconverted(conn, parts, candidates, problems, dominant);
    derive(conn, parts);
    notes.push(...unitWarnings(conn, parts));

    const provenance: ImportProvenance = {};
    const virtual: VirtualTable[] = [];
    for (const [table, list] of parts) {
      const spec = tableSpec(table);
      const t = mappedTable(table);
      const present = new Set(rowsOf(conn, `DESCRIBE ${t}`).map((r) => String(r.column_name)));
      const cols = spec.columns.filter((c) => present.has(c.name)).map((c) => c.name);
      const [counts] = rowsOf(
        conn,
        `SELECT ${cols.map((c) => `count(${ident(c)})::INTEGER AS ${ident(c)}`).join(', ')} FROM ${t}`
      );
      const filled = cols.filter((c) => Number(counts?.[c] ?? 0) > 0);
      const derivedFrom = [...new Set(list.map((p) => p.output.derivedFrom).filter(Boolean))].join(
        '; '
      );
      const caveat = list.map((p) => p.output.fallback?.caveat).find(Boolean);
      provenance[table] = {
        columns: filled,
        ...(derivedFrom ? { derivedFrom } : {}),
        ...(caveat ? { caveat } : {})
      };
      const order = 'ORDER BY __f, __r';
      const origin = conn.query(`SELECT __f, __r FROM ${t} ${order}`);
      const content = csvOf(
        conn,
        `SELECT ${cols.map((c) => `${ident(c)}::VARCHAR AS ${ident(c)}`).join(', ')} FROM ${t} ${order}`,
        cols
      );
      const headerOfSource = new Map<number, Map<string, string>>();
      for (const p of list) {
        const m = headerOfSource.get(p.candidate.index) ?? new Map<string, string>();
        for (const ch of p.choices) if (ch.from) m.set(ch.column, ch.from);
        headerOfSource.set(p.candidate.index, m);
      }
      virtual.push({
        table,
        fileName: `mapped/${table}.csv`,
        origin: {
          file: Int32Array.from(origin.getChild('__f')?.toArray() ?? []),
          record: Int32Array.from(origin.getChild('__r')?.toArray() ?? [])
        },
        headerOf: headerOfSource,
        content
      });
    }
    for (const t of tableSpecs)
      if (nativeTables.has(t.name) && !provenance[t.name])
        provenance[t.name] = { columns: t.columns.map((c) => c.name) };
    return {
      files: [...passThrough, ...virtual.map((v) => ({ fileName: v.fileName, data: v.content }))],
      virtual,
      sources,
      problems,
      notes,
      provenance,
      unsupported: skippedDetectors(provenance),
      sourceFiles: candidates.map((c) => ({ fileName: c.file.fileName, content: c.content })),
      rejected
    };
  } finally {
    for (const c of candidates) conn.query(`DROP TABLE IF EXISTS __src_${c.index}`);
    for (const t of tableSpecs) conn.query(`DROP TABLE IF EXISTS ${mappedTable(t.name)}`);
    for (const f of registered) db.dropFile(f);
  }
}

const mappedTable = (t: TableName) => `__mapped_${t}`;

/** The pseudo-column of a row in another currency than the dataset's. */
const currencyCheck = '__currency';

const carriesAmounts = (table: TableName) =>
  tableSpec(table).columns.some((c) => c.type === 'decimal');

function currencyIndex(headers: readonly string[]): number {
  return headers.findIndex((h) => normalHeader(h) === 'currency');
}

/**
 * Rows with a value that is there but does not convert (an amount `49.OO`, a date in another
 * format): each is reported at its source file, line and header, then left out of the table.
 */
async function takeUnconverted(
  conn: DuckDBConnection,
  parts: ReadonlyMap<TableName, unknown>,
  candidates: readonly Candidate[],
  problems: ImportProblem[],
  dominant: string | null
): Promise<Partial<Record<TableName, number>>> {
  const rejected: Partial<Record<TableName, number>> = {};
  const indexes = new Map<number, Promise<CsvLineIndex>>();
  for (const table of parts.keys()) {
    const t = mappedTable(table);
    const [{ n = 0 } = {}] = rowsOf(
      conn,
      `SELECT count(*)::INTEGER AS n FROM ${t} WHERE __bad_col IS NOT NULL`
    ) as { n?: number }[];
    if (n > 0) {
      rejected[table] = n;
      const listed = rowsOf(
        conn,
        `SELECT __f, __r, __bad_col, __bad_val FROM ${t} WHERE __bad_col IS NOT NULL ORDER BY __f, __r LIMIT ${problemLimitPerFile}`
      );
      for (const row of listed) {
        const f = Number(row.__f);
        const c = candidates[f];
        if (!c) continue;
        let index = indexes.get(f);
        if (!index) indexes.set(f, (index = CsvLineIndex.of(c.content, [])));
        const line = (await index).lineOfRow(Number(row.__r));
        const [col = '', header = ''] = JSON.parse(String(row.__bad_col)) as string[];
        const spec = tableSpec(table).columns.find((x) => x.name === col);
        const value = String(row.__bad_val ?? '');
        problems.push({
          table,
          file: c.file.fileName,
          ...(line === undefined ? {} : { line }),
          column: header,
          reason:
            col === currencyCheck
              ? `in ${value.trim().toUpperCase()}, not ${(dominant ?? '').toUpperCase()} like the rest: amounts in different currencies are never added together, so the row is left out`
              : spec?.type === 'timestamp'
                ? `${shownValue(value)} is not a date in the format of the column's other values`
                : checkReason(spec?.type === 'number' ? 'number' : 'money', col, value, '')
        });
      }
      conn.query(`DELETE FROM ${t} WHERE __bad_col IS NOT NULL`);
    }
    conn.query(`ALTER TABLE ${t} DROP COLUMN __bad_col; ALTER TABLE ${t} DROP COLUMN __bad_val`);
  }
  return rejected;
}

const needsQuotes = /[",\r\n]/;

/**
 * A query's rows as CSV bytes, batch by batch (text columns; NULL is an empty field). Written
 * here rather than by `COPY ... TO`: DuckDB-WASM's Node runtime would put that file on disk.
 */
function csvOf(conn: DuckDBConnection, sql: string, header: readonly string[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(`${header.join(',')}\n`)];
  for (const batch of conn.query(sql).batches) {
    const vectors = header.map((_, k) => batch.getChildAt(k));
    const lines: string[] = [];
    for (let i = 0; i < batch.numRows; i++) {
      const cells = vectors.map((v) => {
        const x = v?.get(i) as string | null | undefined;
        if (x === null || x === undefined) return '';
        return needsQuotes.test(x) || x === '' ? `"${x.replace(/"/g, '""')}"` : x;
      });
      lines.push(cells.join(','));
    }
    if (lines.length) parts.push(encoder.encode(`${lines.join('\n')}\n`));
  }
  return concat(parts);
}

/**
 * Amounts about 100× apart between tables that should agree (an invoice and the price of the
 * subscription it bills) mean one of them is in minor units (cents) and mapped as major, or the
 * other way round: said, since the totals would be off by as much.
 */
function unitWarnings(conn: DuckDBConnection, parts: ReadonlyMap<TableName, unknown>): string[] {
  const t = mappedTable;
  // Row by row: an invoice against its customer's subscription in force, a payment against the
  // invoice it pays; the median ratio says whether one side is in cents.
  const pairs: { a: string; b: string; sql: string | null }[] = [
    {
      a: 'invoices.billed_amount',
      b: 'subscriptions.monthly_price',
      sql:
        parts.has('invoices') && parts.has('subscriptions')
          ? `SELECT median(i.billed_amount::DOUBLE / p.price::DOUBLE) AS r FROM ${t('invoices')} i JOIN (
               SELECT i2.invoice_id, arg_max(s.monthly_price, s.start_date) AS price
               FROM ${t('invoices')} i2 JOIN ${t('subscriptions')} s
                 ON s.customer_id = i2.customer_id AND s.start_date <= i2.invoice_date
               GROUP BY i2.invoice_id) p ON p.invoice_id = i.invoice_id
             WHERE i.billed_amount > 0 AND p.price > 0`
          : null
    },
    {
      a: 'payments.amount',
      b: 'invoices.billed_amount',
      sql:
        parts.has('payments') && parts.has('invoices')
          ? `SELECT median(p.amount::DOUBLE / i.billed_amount::DOUBLE) AS r FROM ${t('payments')} p
             JOIN ${t('invoices')} i ON i.invoice_id = p.invoice_id
             WHERE p.amount > 0 AND i.billed_amount > 0`
          : null
    }
  ];
  const out: string[] = [];
  for (const { a, b, sql } of pairs) {
    if (!sql) continue;
    const ratio = Number(rowsOf(conn, sql)[0]?.r);
    if (!(ratio > 0)) continue;
    const say = (big: string, small: string, x: number) =>
      `${big} are about ${Math.round(x)}× ${small} row for row: if the ${big.split('.')[0]} export is in cents, map it with "minor units ÷ 100"`;
    if (ratio >= 30 && ratio <= 300) out.push(say(a, b, ratio));
    else if (ratio <= 1 / 30 && ratio >= 1 / 300) out.push(say(b, a, 1 / ratio));
  }
  return out;
}

/** The derived columns, in dependency order, over the mapped tables only. */
function derive(
  conn: DuckDBConnection,
  parts: ReadonlyMap<
    TableName,
    readonly { output: PresetOutput; choices: readonly ColumnChoice[] }[]
  >
): void {
  const derives = (table: TableName, column: string, how: ColumnRule['derived']) =>
    (parts.get(table) ?? []).some((p) =>
      p.choices.some((ch) => ch.column === column && ch.derived === how)
    );
  if (parts.has('payments') && derives('refunds', 'customer_id', 'customer_through_payment'))
    conn.query(customerThroughPaymentSql(mappedTable('refunds'), mappedTable('payments')));
  if (
    parts.has('subscriptions') &&
    derives('invoices', 'expected_amount', 'expected_from_subscription')
  ) {
    const columns = new Set(
      rowsOf(conn, `DESCRIBE ${mappedTable('invoices')}`).map((r) => String(r.column_name))
    );
    const discount = helperColumn('discount');
    conn.query(
      expectedFromSubscriptionSql(
        columns.has(discount) ? discount : null,
        mappedTable('invoices'),
        mappedTable('subscriptions')
      )
    );
  }
}

/**
 * Problems the importer found in a mapped table, moved to the source file, line and column the
 * row came from. Line numbers of the importer's CSV are turned back into its rows, then into the
 * source's records and their physical lines (both by the importer's own line scan).
 */
export async function translateProblems(
  expansion: Expansion,
  problems: readonly ImportProblem[]
): Promise<ImportProblem[]> {
  if (expansion.virtual.length === 0) return [...problems];
  const lineIndexes = new Map<string, Promise<CsvLineIndex>>();
  const indexOf = (key: string, content: CsvContent) => {
    let p = lineIndexes.get(key);
    if (!p) lineIndexes.set(key, (p = CsvLineIndex.of(content, [])));
    return p;
  };
  const describe = (v: VirtualTable) => {
    const names = [...new Set([...v.origin.file].map((f) => expansion.sourceFiles[f]?.fileName))];
    return `${v.table} (mapped from ${names.filter(Boolean).join(', ')})`;
  };
  const out: ImportProblem[] = [];
  for (const p of problems) {
    const v = expansion.virtual.find((x) => x.fileName === p.file);
    const rename = (text: string) =>
      expansion.virtual.reduce((t, x) => t.split(x.fileName).join(describe(x)), text);
    if (!v) {
      out.push({ ...p, reason: rename(p.reason) });
      continue;
    }
    if (p.line === undefined || p.line < 2) {
      out.push({ ...p, file: describe(v), reason: rename(p.reason) });
      continue;
    }
    const index = await indexOf(v.fileName, v.content);
    const row = rowAtLine(index, p.line, v.origin.file.length);
    const f = row === null ? undefined : v.origin.file[row];
    const source = f === undefined ? undefined : expansion.sourceFiles[f];
    if (row === null || f === undefined || !source) {
      out.push({ ...p, file: describe(v), reason: rename(p.reason) });
      continue;
    }
    const sourceIndex = await indexOf(`src:${f}`, source.content);
    const line = sourceIndex.lineOfRow(v.origin.record[row] ?? -1);
    const header = p.column ? v.headerOf.get(f)?.get(p.column) : undefined;
    out.push({
      ...p,
      file: source.fileName,
      ...(line === undefined ? {} : { line }),
      ...(header ? { column: header } : {}),
      reason: rename(p.reason)
    });
  }
  return out;
}

/** The row whose first line is `line` (rows' lines increase), or null. */
function rowAtLine(index: CsvLineIndex, line: number, rows: number): number | null {
  let lo = 0;
  let hi = rows - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = index.lineOfRow(mid) ?? Number.POSITIVE_INFINITY;
    if (at === line) return mid;
    if (at < line) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}
