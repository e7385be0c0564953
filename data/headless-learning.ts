/**
 * Headless learning for `npm run triage`: OpsIQ's state database kept in a file between calls
 * (`--workspace`), and reviewers' verdicts from a file (`--feedback`) applied in order through
 * the same memory agent as the UI (learnFromFeedback, one durable giveFeedback write each) on the
 * cases of the workspace's latest run, before the rerun with memory.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { caseFromRecord } from '../src/lib/agents/case-records';
import { defaultMemory, memorySchema, type Memory } from '../src/lib/domain/memory';
import {
  learnFromFeedback,
  standingVerdicts,
  type MemoryUpdate,
  type ProposedChange
} from '../src/lib/domain/memory-agent';
import type { MemoryVersion } from '../workers/contracts/state';
import type { StateService } from '../workers/services/state-service';
import { WalStore } from '../workers/services/state/wal-store';

export const feedbackFileSchema = z.array(
  z.object({
    key: z.string().min(1),
    verdict: z.enum(['approve', 'reject', 'false_positive']),
    comment: z.string().max(4000).nullable().optional()
  })
);
export type FeedbackItem = z.infer<typeof feedbackFileSchema>[number];

/** Reads and validates a feedback file; throws one line saying what and where. */
export function readFeedbackFile(path: string): FeedbackItem[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `${path}: not readable JSON (${error instanceof Error ? error.message : String(error)})`
    );
  }
  const parsed = feedbackFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path}: ${issue ? `item ${issue.path.join('.')}: ${issue.message}` : 'invalid'} (expected [{ "key", "verdict": "approve" | "reject" | "false_positive", "comment" }])`
    );
  }
  return parsed.data;
}

async function withImages<T>(
  idb: IDBFactory,
  dbName: string,
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore) => IDBRequest
): Promise<T> {
  (await WalStore.open(idb, dbName, 'strict')).close(); // creates the stores when missing
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = idb.open(dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(['images'], mode);
      const request = body(tx.objectStore('images'));
      tx.oncomplete = () => resolve(request.result as T);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Puts the workspace file's database in as the stored image (before the state opens). */
export async function loadWorkspace(
  idb: IDBFactory,
  dbName: string,
  path: string
): Promise<boolean> {
  if (!existsSync(path)) return false;
  const image = new Uint8Array(readFileSync(path));
  // The schema version is the file's own (SQLite's header keeps `PRAGMA user_version` as a
  // big-endian integer at byte 60), so an older workspace is migrated and a current one is not.
  const schemaVersion =
    image.byteLength >= 64 ? new DataView(image.buffer, image.byteOffset).getUint32(60) : 0;
  await withImages(idb, dbName, 'readwrite', (s) =>
    s.put({ format: 1, schemaVersion, seq: 0, image }, 'current')
  );
  return true;
}

/** Checkpoints the state and writes its database image to the workspace file. */
export async function saveWorkspace(
  state: StateService,
  idb: IDBFactory,
  dbName: string,
  path: string
): Promise<void> {
  await state.flush();
  const record = await withImages<{ image: Uint8Array } | undefined>(idb, dbName, 'readonly', (s) =>
    s.get('current')
  );
  if (!record) throw new Error('the state database was not saved');
  writeFileSync(path, record.image);
}

/** The current memory: the latest stored version (the defaults before any). */
export async function currentMemory(
  state: StateService
): Promise<{ memory: Memory; stored: MemoryVersion[] }> {
  const stored = await state.listMemoryVersions();
  const last = stored.at(-1);
  const parsed = last ? memorySchema.safeParse(last.memory) : undefined;
  return {
    memory: parsed?.success ? { ...parsed.data, version: last?.version ?? 0 } : defaultMemory(),
    stored
  };
}

function versionsFor(
  update: MemoryUpdate,
  current: Memory,
  noneStored: boolean,
  at: string,
  reason: string
): MemoryVersion[] {
  if (update.changes.length === 0) return [];
  const out: MemoryVersion[] = [];
  if (noneStored)
    out.push({
      version: 0,
      parentVersion: null,
      createdAt: at,
      source: 'default',
      reason: 'The defaults',
      memory: defaultMemory(),
      changes: []
    });
  out.push({
    version: update.memory.version,
    parentVersion: current.version,
    createdAt: at,
    source: 'rule',
    reason,
    memory: update.memory,
    changes: update.changes.map((c) => ({ ...c }))
  });
  return out;
}

export interface AppliedFeedback {
  applied: { key: string; verdict: string; changes: ProposedChange[]; refused: string[] }[];
  /** Keys with no case in the workspace's latest run: reported, never silently dropped. */
  unknown: string[];
  memory: Memory;
  decisions: Map<string, 'approved' | 'rejected'>;
}

/** Applies the verdicts in order, one durable write each, on the latest run's cases. */
export async function applyFeedback(
  state: StateService,
  items: readonly FeedbackItem[],
  now: () => string,
  reviewer = 'feedback file'
): Promise<AppliedFeedback> {
  let { memory, stored } = await currentMemory(state);
  const [run] = await state.listRuns({ limit: 1 });
  const cases = run ? (await state.listCases({ runId: run.runId })).map(caseFromRecord) : [];
  const byKey = new Map(cases.map((c) => [c.key, c]));
  const runMemory =
    run?.memoryVersion === null || run?.memoryVersion === undefined
      ? undefined
      : (() => {
          const v = stored.find((s) => s.version === run.memoryVersion);
          const p = v ? memorySchema.safeParse(v.memory) : undefined;
          return p?.success ? p.data : defaultMemory();
        })();
  const out: AppliedFeedback = { applied: [], unknown: [], memory, decisions: new Map() };
  for (const [i, item] of items.entries()) {
    const c = byKey.get(item.key);
    if (!c) {
      out.unknown.push(item.key);
      continue;
    }
    const feedbackId = `fb-${run?.runId ?? 'none'}-${memory.version}-${i}`;
    const update = learnFromFeedback(memory, {
      verdict: item.verdict,
      feedbackId,
      finding: c,
      runMemory
    });
    const at = now();
    await state.giveFeedback({
      feedbackId,
      caseId: c.caseId,
      verdict: item.verdict,
      comment: item.comment?.trim() ? item.comment.trim() : null,
      actor: { type: 'user', name: reviewer },
      at,
      memoryVersions: versionsFor(
        update,
        memory,
        stored.length === 0,
        at,
        update.changes.map((x) => x.reason).join(' ')
      )
    });
    out.applied.push({
      key: item.key,
      verdict: item.verdict,
      changes: update.changes,
      refused: update.refused.map((r) => r.reason)
    });
    ({ memory, stored } = await currentMemory(state));
  }
  const feedback = await state.listFeedback({ limit: 100_000 });
  out.memory = memory;
  out.decisions = standingVerdicts(feedback);
  return out;
}
