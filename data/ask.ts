/**
 * Headless analyst: the same code as the Analyst page, in Node, over DuckDB-WASM's Node build.
 *
 *   npx tsx data/ask.ts --data data/demo [--json] "question" ["question" ...]
 *   npx tsx data/ask.ts --data DIR --json --questions questions.txt   (one question a line)
 *
 * With --json stdout is one JSON array, an object per question in the order given:
 * { question, reading, sql, columns, rows, answer, text, confidence, followUps }.
 * Exit code 0 when every question got an answer object, 2 on bad arguments or unreadable data.
 */
import { IDBFactory } from 'fake-indexeddb';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ask, loadProfile } from '../src/lib/agents/analyst';
import { AnalystSandbox } from '../workers/services/analyst-sandbox';
import { AnalyticsService } from '../workers/services/analytics-service';
import { createNodeBindings } from '../workers/services/duckdb-node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string' },
    json: { type: 'boolean', default: false },
    questions: { type: 'string' },
    help: { type: 'boolean', default: false }
  }
});
const usage =
  'usage: npm run ask -- --data <dir of CSVs> [--json] ("question" ... | --questions FILE)';
const log = (line: string) => process.stderr.write(`${line}\n`);
const questions = [
  ...positionals,
  ...(values.questions
    ? readFileSync(values.questions, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '')
    : [])
];
if (values.help || !values.data || questions.length === 0) {
  log(usage);
  process.exit(values.help ? 0 : 2);
}

const dir = values.data;
let files: { fileName: string; data: Uint8Array }[];
try {
  files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort()
    .map((fileName) => ({ fileName, data: new Uint8Array(readFileSync(join(dir, fileName))) }));
} catch (error) {
  log(`cannot read ${dir}: ${String(error)}`);
  process.exit(2);
}

const analytics = new AnalyticsService({
  createBindings: () => createNodeBindings(),
  idb: new IDBFactory(),
  maxFileBytes: undefined
});
const report = await analytics.importCsv({ name: dir, source: 'upload', files, persist: false });
for (const p of report.problems.slice(0, 5)) log(`  ${p.file}:${p.line ?? ''} ${p.reason}`);
const sandbox = await AnalystSandbox.fromService(analytics, () => createNodeBindings());
const profile = await loadProfile(sandbox, report.status);
const answers = [];
for (const question of questions) {
  const started = performance.now();
  const a = await ask(question, { engine: sandbox, profile });
  log(`[${Math.round(performance.now() - started)} ms] ${question}`);
  answers.push(a);
}
if (values.json) {
  process.stdout.write(
    `${JSON.stringify(
      answers.map(
        ({ question, reading, sql, columns, rows, answer, text, confidence, followUps }) => ({
          question,
          reading,
          sql,
          columns,
          rows,
          answer,
          text,
          confidence,
          followUps
        })
      ),
      null,
      2
    )}\n`
  );
} else {
  for (const a of answers) {
    process.stdout.write(`Q: ${a.question}\n`);
    if (a.reading) process.stdout.write(`I read this as: ${a.reading}\n`);
    process.stdout.write(`${a.text}\n`);
    process.stdout.write(
      `confidence: ${a.confidence.level} (${a.confidence.score}) ${a.confidence.reason}\n`
    );
    if (a.sql) process.stdout.write(`SQL:\n${a.sql}\n`);
    process.stdout.write(`follow-ups: ${a.followUps.join(' | ')}\n\n`);
  }
}
sandbox.close();
