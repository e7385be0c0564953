/**
 * The one gate for SQL the analyst did not compile itself (the SQL editor, a model): one
 * read-only statement over the dataset's tables, no table functions, no file access. The
 * statement then runs wrapped as `SELECT * FROM (<sql>) LIMIT n` on a DuckDB whose external
 * access is off and whose configuration is locked.
 */

export type GuardResult = { ok: true; sql: string } | { ok: false; reason: string };

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'symbol' | 'number';
  text: string;
}

function tokenize(sql: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) return 'A comment is not closed.';
      i = end + 2;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= sql.length) return `A ${ch === "'" ? 'string' : 'quoted name'} is not closed.`;
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) {
            text += ch;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j];
        j++;
      }
      out.push({ kind: ch === "'" ? 'string' : 'quoted', text });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i)) as RegExpExecArray;
      out.push({ kind: 'word', text: m[0].toLowerCase() });
      i += m[0].length;
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9][0-9._eE]*/.exec(sql.slice(i)) as RegExpExecArray;
      out.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (ch === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      return 'Dollar-quoted strings are not allowed.';
    } else {
      out.push({ kind: 'symbol', text: ch });
      i++;
    }
  }
  return out;
}

const forbidden = new Set(
  (
    'insert update delete drop create alter attach detach copy pragma install load call set reset ' +
    'export import truncate vacuum checkpoint begin commit rollback grant revoke use prepare execute ' +
    'deallocate merge upsert replace force'
  ).split(' ')
);

/** Functions that reach outside the dataset (files, the network, the environment, the catalog). */
const forbiddenFunction =
  /^(read_\w+|\w+_scan|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+|sqlite_\w+|postgres_\w+|mysql_\w+|duckdb_\w+|pragma_\w+|query|query_table|getenv|current_setting|load_extension|json_execute_serialized_sql|http_\w+|httpfs\w*|write_\w+|from_json_file|checkpoint|force_checkpoint|which_secret|enable_\w+|disable_\w+)$/;

const clauseEnd = new Set(
  'where group order limit having qualify window union intersect except on using join left right inner outer full cross natural semi anti asof positional lateral select offset returning'.split(
    ' '
  )
);

const notCalls = new Set(
  'in exists from join as any all some select where and or not on filter over lateral union values then else when case by with'.split(
    ' '
  )
);

/**
 * Checks SQL and returns it wrapped with a row limit, or the reason it is refused.
 * `tables` are the dataset's tables (CTE names defined in the statement are allowed too).
 */
export function guardSql(sql: string, tables: readonly string[], limit = 1000): GuardResult {
  const text = sql.trim().replace(/;\s*$/, '');
  if (!text) return { ok: false, reason: 'The SQL is empty.' };
  if (text.length > 20_000)
    return { ok: false, reason: 'The SQL is longer than 20,000 characters.' };
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, reason: tokens };
  if (tokens.some((t) => t.kind === 'symbol' && t.text === ';'))
    return { ok: false, reason: 'Only one statement may run: remove the `;` between statements.' };
  const first = tokens.find((t) => !(t.kind === 'symbol' && t.text === '('));
  if (!first || first.kind !== 'word' || (first.text !== 'select' && first.text !== 'with'))
    return {
      ok: false,
      reason: `Only read-only queries run (SELECT or WITH); this one starts with ${first ? first.text.toUpperCase() : 'nothing'}. Nothing was changed.`
    };
  const words = tokens.filter((t) => t.kind === 'word');
  const bad = words.find((t) => forbidden.has(t.text));
  if (bad)
    return {
      ok: false,
      reason: `${bad.text.toUpperCase()} is not allowed: the analyst only reads. Nothing was changed.`
    };

  const ctes = new Set<string>();
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    const after = tokens[i + 2];
    if (
      (t.kind === 'word' || t.kind === 'quoted') &&
      next?.kind === 'word' &&
      next.text === 'as' &&
      after?.text === '('
    )
      ctes.add(t.text.toLowerCase());
    if (
      (t.kind === 'word' || t.kind === 'quoted') &&
      next?.text === '(' &&
      tokens[i - 1]?.text === ','
    ) {
      // `, name (col, ...) AS (` is rare; ignored.
    }
  });
  const allowed = new Set([...tables.map((t) => t.toLowerCase()), ...ctes]);

  // Parens opened by a function call (`extract(year FROM d)`), where FROM is not a table list.
  const stack: boolean[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1];
    if (t.text === '(') {
      const prev = tokens[i - 1];
      stack.push(prev?.kind === 'word' && !notCalls.has(prev.text));
      continue;
    }
    if (t.text === ')') {
      stack.pop();
      continue;
    }
    if (stack[stack.length - 1] === true && t.kind === 'word' && t.text === 'from') continue;
    if (
      (t.kind === 'word' || t.kind === 'quoted') &&
      next?.text === '(' &&
      forbiddenFunction.test(t.text.toLowerCase())
    )
      return { ok: false, reason: `${t.text}() is not allowed: it reads outside the dataset.` };
    if (t.kind === 'word' && (t.text === 'from' || t.text === 'join')) {
      // A FROM list: table references separated by commas, until the clause ends.
      let j = i + 1;
      for (;;) {
        const ref = tokens[j];
        if (!ref) break;
        if (ref.kind === 'string')
          return {
            ok: false,
            reason: `Reading a file ('${ref.text}') is not allowed: only the dataset's tables.`
          };
        if (ref.text === '(') break; // a subquery: its own FROM is checked where it appears
        if (ref.kind !== 'word' && ref.kind !== 'quoted') break;
        if (ref.kind === 'word' && clauseEnd.has(ref.text)) break;
        let name = ref.text.toLowerCase();
        let k = j + 1;
        while (tokens[k]?.text === '.' && tokens[k + 1]) {
          name = `${name}.${(tokens[k + 1] as Token).text.toLowerCase()}`;
          k += 2;
        }
        if (tokens[k]?.text === '(')
          return {
            ok: false,
            reason: `Table functions such as ${name}() are not allowed: only the dataset's tables.`
          };
        if (!allowed.has(name))
          return {
            ok: false,
            reason: `"${name}" is not a table of this dataset (tables: ${tables.join(', ')}).`
          };
        // Skip an alias, then continue after a comma.
        while (
          tokens[k] &&
          !(tokens[k]?.text === ',') &&
          !(tokens[k]?.kind === 'word' && clauseEnd.has((tokens[k] as Token).text)) &&
          tokens[k]?.text !== ')'
        )
          k++;
        if (tokens[k]?.text === ',') {
          j = k + 1;
          continue;
        }
        break;
      }
    }
  }
  const n = Math.max(1, Math.min(100_000, Math.floor(limit)));
  return { ok: true, sql: `SELECT * FROM (\n${text}\n) AS analyst_query LIMIT ${n}` };
}
