/**
 * Actions a run opens: a case record for the top case, an alert for every high or critical
 * case, and an approval task for every case above the memory's impact bar. Each starts open;
 * the state worker writes its opening audit event (by the agent) in the same write as the run.
 * Ids derive from the run id, the case key and the kind, so a rerun of the same run is a no-op.
 */
import { stableId } from '../domain/keys';
import type { MemoryValues } from '../domain/memory';
import type { TriageCase } from '../domain/schemas/case';
import type { ActionInput } from './ports';

/** The actor of every action and event the agents create. */
export const AGENT_ACTOR = { type: 'agent', name: 'opsiq-triage' } as const;

export type PlannedAction = ActionInput & { caseKey: string };

export function planActions(
  cases: readonly TriageCase[],
  memory: MemoryValues,
  createdAt: string
): PlannedAction[] {
  const actions: PlannedAction[] = [];
  const add = (c: TriageCase, kind: ActionInput['kind'], title: string) =>
    actions.push({
      actionId: stableId('action', c.runId, c.key, kind),
      caseId: c.caseId,
      caseKey: c.key,
      kind,
      status: 'open',
      title,
      createdAt
    });
  cases.forEach((c, rank) => {
    if (rank === 0) add(c, 'case_record', `Case record: ${c.title}`);
    if (c.severity === 'high' || c.severity === 'critical')
      add(c, 'alert', `${c.severity === 'critical' ? 'Critical' : 'High'} alert: ${c.title}`);
    if (c.estimatedImpact > memory.approval_impact_bar)
      add(
        c,
        'approval_task',
        `Approve recovery of $${c.estimatedImpact} (above the $${memory.approval_impact_bar} bar): ${c.title}`
      );
  });
  return actions;
}
