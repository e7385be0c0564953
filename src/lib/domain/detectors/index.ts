/** The detector registry, in the default order a plan runs them. */
import type { AnomalyType } from '../schemas/finding';
import { duplicateRefunds } from './duplicate-refunds';
import { manualCredit } from './manual-credit';
import { refundSpike } from './refund-spike';
import { tierMismatch } from './tier-mismatch';
import type { Detector } from './types';
import { underbilling } from './underbilling';

export type { Detector, DetectorContext, SqlQuery } from './types';

export const detectors: readonly Detector[] = [
  duplicateRefunds,
  underbilling,
  tierMismatch,
  refundSpike,
  manualCredit
] as Detector[];

export function detectorFor(type: AnomalyType): Detector {
  const found = detectors.find((d) => d.type === type);
  if (!found) throw new Error(`no detector ${type}`);
  return found;
}
