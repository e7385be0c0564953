/**
 * Headless learning for `npm run triage`: OpsIQ's state database kept in a file between calls
 * (`--workspace`), and reviewers' verdicts from a file (`--feedback`) applied in order through
 * the same memory agent as the UI (one durable `giveVerdict` write each) on the cases of the
 * workspace's latest finished run, before the rerun with memory.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { caseFromRecord } from '../src/lib/agents/case-records';
import { defaultMemory, memorySchema, type Memory } from '../src/lib/domain/memory';
import { restoreMemory, type ProposedChange } from '../src/lib/domain/memory-agent';
import {
  baseMemory,
  decisionMap,
  parseStoredMemory,
  versionsToAppend,
  type MemoryHead
} from '../src/lib/domain/memory-history';
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

/**
 * `--memory FILE` with a workspace: the file's settings become the workspace's memory, as a
 * person's edit (a new version after the stored ones, the change per setting recorded), so the
 * verdicts that follow learn from it. Returns the changes (none when it is already the memory).
 */
export async function adoptMemory(
  state: StateService,
  target: Memory,
  reason: string,
  now: () => string
): Promise<ProposedChange[]> {
  const stored = await state.listMemoryVersions();
  const valid = stored
    .map((v) => ({ version: v.version, parsed: parseStoredMemory(v.memory, v.version) }))
    .filter((v) => v.parsed.ok)
    .at(-1);
  const head: MemoryHead = {
    maxVersion: stored.at(-1)?.version ?? null,
    latestValid:
      valid && valid.parsed.ok ? { version: valid.version, memory: valid.parsed.memory } : null
  };
  const update = restoreMemory(baseMemory(head), target, reason);
  const versions = versionsToAppend(head, update, now(), 'person', reason);
  if (versions.length > 0) await state.appendMemoryVersions(versions);
  return update.changes;
}

export interface AppliedFeedback {
  applied: { key: string; verdict: string; changes: ProposedChange[]; refused: string[] }[];
  /** Keys with no case in the workspace's latest run: reported, never silently dropped. */
  unknown: string[];
  memory: Memory;
  decisions: Map<string, 'approved' | 'rejected'>;
}

/**
 * Applies the verdicts in order, one durable write each, on the latest finished run's cases,
 * through the state worker's `giveVerdict`, exactly as a click in the UI: the memory agent's
 * change is derived under the write lock from the latest stored memory.
 */
export async function applyFeedback(
  state: StateService,
  items: readonly FeedbackItem[],
  now: () => string,
  reviewer = 'feedback file'
): Promise<AppliedFeedback> {
  const [run] = await state.listRuns({ limit: 1, finished: true });
  const cases = run ? (await state.listCases({ runId: run.runId })).map(caseFromRecord) : [];
  const byKey = new Map(cases.map((c) => [c.key, c]));
  const out: AppliedFeedback = {
    applied: [],
    unknown: [],
    memory: (await currentMemory(state)).memory,
    decisions: new Map()
  };
  for (const [i, item] of items.entries()) {
    const c = byKey.get(item.key);
    if (!c) {
      out.unknown.push(item.key);
      continue;
    }
    const result = await state.giveVerdict({
      feedbackId: `fb-${run?.runId ?? 'none'}-${i}`,
      caseId: c.caseId,
      verdict: item.verdict,
      comment: item.comment?.trim() ? item.comment.trim() : null,
      actor: { type: 'user', name: reviewer },
      at: now()
    });
    out.applied.push({
      key: item.key,
      verdict: item.verdict,
      changes: result.changes,
      refused: result.refused.map((r) => r.reason)
    });
  }
  out.memory = (await currentMemory(state)).memory;
  out.decisions = decisionMap(await state.standingVerdicts());
  return out;
}
