/**
 * Memory versions as one history: reading a stored version back (and saying why one no longer
 * validates, instead of silently reading it as the defaults), and the versions a memory update
 * appends. Pure; the state worker (verdicts) and the Learning state (a person's edits) share it.
 */
import { z } from 'zod';
import type { MemoryUpdate, ProposedChange } from './memory-agent';
import { defaultMemory, memorySchema, type Memory } from './memory';

export type MemorySourceKind = 'default' | 'rule' | 'llm' | 'person';

/** A memory version to store (the worker contract's `MemoryVersion`, with typed memory). */
export interface NewMemoryVersion {
  version: number;
  parentVersion: number | null;
  createdAt: string;
  source: MemorySourceKind;
  reason: string;
  memory: Memory;
  changes: ProposedChange[];
}

export type ParsedMemory = { ok: true; memory: Memory } | { ok: false; reason: string };

/** A stored version's memory; a version that no longer validates says why (it is set aside). */
export function parseStoredMemory(raw: unknown, version: number): ParsedMemory {
  const parsed = memorySchema.safeParse(raw);
  if (parsed.success) return { ok: true, memory: { ...parsed.data, version } };
  return { ok: false, reason: z.prettifyError(parsed.error) };
}

/** Where the next version goes: after the highest stored one, derived from the latest valid one. */
export interface MemoryHead {
  /** Highest stored version number, null when none is stored. */
  maxVersion: number | null;
  /** The latest version that validates, null when none does. */
  latestValid: { version: number; memory: Memory } | null;
}

/** The memory new changes are derived from: the latest valid content, numbered after the head. */
export function baseMemory(head: MemoryHead): Memory {
  const content = head.latestValid?.memory ?? defaultMemory();
  return { ...content, version: head.maxVersion ?? 0 };
}

/**
 * The versions an update appends: the defaults as version 0 first when nothing is stored yet,
 * then the update's version, whose parent is the latest valid version (an invalid one is never
 * built on). Empty when the update changed nothing.
 */
export function versionsToAppend(
  head: MemoryHead,
  update: MemoryUpdate,
  at: string,
  source: MemorySourceKind,
  reason: string
): NewMemoryVersion[] {
  if (update.changes.length === 0) return [];
  const out: NewMemoryVersion[] = [];
  if (head.maxVersion === null) {
    out.push({
      version: 0,
      parentVersion: null,
      createdAt: at,
      source: 'default',
      reason: 'The defaults',
      memory: defaultMemory(),
      changes: []
    });
  }
  out.push({
    version: update.memory.version,
    parentVersion: head.latestValid?.version ?? head.maxVersion ?? 0,
    createdAt: at,
    source,
    reason,
    memory: update.memory,
    changes: update.changes.map((c) => ({ ...c }))
  });
  return out;
}

/** Standing verdicts (as the worker computes them) keyed by finding key, for a rerun. */
export function decisionMap(
  rows: readonly { caseKey: string; status: 'approved' | 'rejected' }[]
): Map<string, 'approved' | 'rejected'> {
  return new Map(rows.map((r) => [r.caseKey, r.status]));
}
