/**
 * Forward-only schema migrations. `PRAGMA user_version` = number of applied migrations.
 * Never edit a shipped migration: add the next one. Migrations run as ordinary WAL writes, so
 * every tab applies them at the same place in the log (see state-service.ts).
 *
 * JSON columns end in `_json` and hold `JSON.stringify` output; timestamps are ISO strings
 * computed by the caller (statements are pure so that replaying the log is deterministic).
 */
export interface Migration {
  version: number;
  statements: string[];
}

const v1: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value_json TEXT NOT NULL)`,
  `CREATE TABLE runs (
     run_id TEXT PRIMARY KEY,
     dataset_id TEXT NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','cancelled')),
     trigger_json TEXT NOT NULL DEFAULT 'null',
     plan_json TEXT NOT NULL DEFAULT 'null',
     summary TEXT,
     memory_version INTEGER
   )`,
  `CREATE INDEX runs_by_started ON runs (started_at)`,
  // No foreign key to runs: triage writes cases while the run row is still being finalised,
  // and old runs may be pruned while their cases (and feedback on them) are kept.
  `CREATE TABLE cases (
     case_id TEXT PRIMARY KEY,
     key TEXT NOT NULL,
     run_id TEXT NOT NULL,
     anomaly_type TEXT NOT NULL,
     title TEXT NOT NULL,
     severity TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
     confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
     confidence_label TEXT NOT NULL,
     estimated_impact REAL NOT NULL,
     status TEXT NOT NULL DEFAULT 'open'
       CHECK (status IN ('open','approved','rejected','false_positive','dismissed')),
     evidence_json TEXT NOT NULL DEFAULT 'null',
     entities_json TEXT NOT NULL DEFAULT 'null',
     sentiment_json TEXT NOT NULL DEFAULT 'null',
     recommended_action TEXT NOT NULL DEFAULT '',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   )`,
  `CREATE INDEX cases_by_run ON cases (run_id, estimated_impact DESC)`,
  `CREATE INDEX cases_by_key ON cases (key, created_at)`,
  `CREATE INDEX cases_by_status ON cases (status)`,
  `CREATE TABLE actions (
     action_id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('case_record','alert','approval_task')),
     status TEXT NOT NULL CHECK (status IN ('open','acknowledged','done','dismissed')),
     title TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   )`,
  `CREATE INDEX actions_by_case ON actions (case_id)`,
  `CREATE TABLE action_events (
     event_id TEXT PRIMARY KEY,
     action_id TEXT NOT NULL REFERENCES actions (action_id) ON DELETE CASCADE,
     from_status TEXT,
     to_status TEXT NOT NULL,
     actor TEXT NOT NULL CHECK (actor IN ('user','agent')),
     actor_name TEXT NOT NULL,
     note TEXT,
     at TEXT NOT NULL
   )`,
  `CREATE INDEX action_events_by_action ON action_events (action_id, at)`,
  `CREATE TABLE feedback (
     feedback_id TEXT PRIMARY KEY,
     case_id TEXT NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
     case_key TEXT NOT NULL,
     verdict TEXT NOT NULL CHECK (verdict IN ('approve','reject','false_positive')),
     comment TEXT,
     actor TEXT NOT NULL CHECK (actor IN ('user','agent')),
     actor_name TEXT NOT NULL,
     at TEXT NOT NULL
   )`,
  `CREATE INDEX feedback_by_key ON feedback (case_key, at)`,
  `CREATE INDEX feedback_by_case ON feedback (case_id)`,
  `CREATE TABLE memory_versions (
     version INTEGER PRIMARY KEY,
     parent_version INTEGER REFERENCES memory_versions (version),
     created_at TEXT NOT NULL,
     source TEXT NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     values_json TEXT NOT NULL
   )`,
  `CREATE TABLE memory_changes (
     version INTEGER NOT NULL REFERENCES memory_versions (version) ON DELETE CASCADE,
     key TEXT NOT NULL,
     old_json TEXT NOT NULL DEFAULT 'null',
     new_json TEXT NOT NULL DEFAULT 'null',
     reason TEXT NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('rule','llm','person')),
     feedback_id TEXT REFERENCES feedback (feedback_id) ON DELETE SET NULL,
     PRIMARY KEY (version, key)
   )`,
  `CREATE TABLE evaluations (
     evaluation_id TEXT PRIMARY KEY,
     run_id TEXT NOT NULL,
     created_at TEXT NOT NULL,
     evaluator TEXT NOT NULL CHECK (evaluator IN ('rule','llm')),
     score REAL,
     metrics_json TEXT NOT NULL DEFAULT '{}',
     notes TEXT
   )`,
  `CREATE INDEX evaluations_by_run ON evaluations (run_id)`,
  `CREATE TABLE traces (
     trace_id TEXT PRIMARY KEY,
     run_id TEXT NOT NULL,
     step TEXT NOT NULL,
     seq INTEGER NOT NULL DEFAULT 0,
     started_at TEXT NOT NULL,
     duration_ms REAL,
     input_json TEXT NOT NULL DEFAULT 'null',
     output_json TEXT NOT NULL DEFAULT 'null',
     status TEXT NOT NULL CHECK (status IN ('running','ok','error','skipped'))
   )`,
  `CREATE INDEX traces_by_run ON traces (run_id, seq)`,
  `CREATE TABLE llm_calls (
     call_id TEXT PRIMARY KEY,
     run_id TEXT,
     purpose TEXT NOT NULL,
     model TEXT NOT NULL,
     prompt_json TEXT NOT NULL,
     response_text TEXT,
     latency_ms REAL,
     validation TEXT NOT NULL CHECK (validation IN ('valid','repaired','invalid','error')),
     fallback_used INTEGER NOT NULL DEFAULT 0 CHECK (fallback_used IN (0,1)),
     at TEXT NOT NULL
   )`,
  `CREATE INDEX llm_calls_by_run ON llm_calls (run_id, at)`,
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value_json TEXT NOT NULL, updated_at TEXT NOT NULL)`
];

/**
 * v2 (issue 11): a run that did not finish says why (`failed` / `cancelled` with its reason).
 */
const v2: string[] = [`ALTER TABLE runs ADD COLUMN failure_reason TEXT`];

/** Migration 3: what each LLM call needs beyond v1 (provider, tokens, repair, error class). */
const v3: string[] = [
  `ALTER TABLE llm_calls ADD COLUMN provider TEXT NOT NULL DEFAULT ''`,
  `ALTER TABLE llm_calls ADD COLUMN prompt_tokens INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE llm_calls ADD COLUMN completion_tokens INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE llm_calls ADD COLUMN repair_used INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE llm_calls ADD COLUMN error_class TEXT`,
  `ALTER TABLE llm_calls ADD COLUMN note TEXT NOT NULL DEFAULT ''`,
  `ALTER TABLE llm_calls ADD COLUMN mode TEXT NOT NULL DEFAULT ''`,
  `CREATE INDEX llm_calls_by_at ON llm_calls (at)`
];

/** The Analyst page's question history (issue 10). */
const v4: string[] = [
  `CREATE TABLE analyst_questions (
     question_id TEXT PRIMARY KEY,
     dataset_id TEXT NOT NULL,
     question TEXT NOT NULL,
     answer_text TEXT NOT NULL,
     answer_json TEXT NOT NULL,
     at TEXT NOT NULL
   )`,
  `CREATE INDEX analyst_questions_by_at ON analyst_questions (at)`
];

/**
 * In version order. Numbers are assigned per change and may have gaps while branches land
 * (`user_version` is set to each applied migration's number, so a gap is harmless).
 */
export const migrations: readonly Migration[] = [
  { version: 1, statements: v1 },
  { version: 2, statements: v2 },
  { version: 3, statements: v3 },
  { version: 4, statements: v4 }
].sort((a, b) => a.version - b.version);

/** The schema version this code writes; a stored database above it is refused, never touched. */
export const latestSchemaVersion = Math.max(0, ...migrations.map((m) => m.version));

/** Every table of the current schema (for counts and change notifications after a reset). */
export const stateTables = [
  'runs',
  'cases',
  'actions',
  'action_events',
  'feedback',
  'memory_versions',
  'memory_changes',
  'evaluations',
  'traces',
  'llm_calls',
  'settings',
  'analyst_questions',
  'meta'
] as const;

/** The migration statements that take a database from `from` to `latestSchemaVersion`. */
export function pendingMigrationSql(from: number): string[] {
  return migrations
    .filter((m) => m.version > from)
    .flatMap((m) => [...m.statements, `PRAGMA user_version = ${m.version}`]);
}
