/** Collects labels while rows are written, in the shape of labels.json. */
import type { AnomalyLabel, NearMissLabel } from './labels';

export class LabelCollector {
  readonly anomalies: AnomalyLabel[] = [];
  readonly nearMisses: NearMissLabel[] = [];

  anomaly(label: AnomalyLabel): void {
    this.anomalies.push(label);
  }

  nearMiss(label: NearMissLabel): void {
    this.nearMisses.push(label);
  }
}

/** Cents to the dollars labels carry. */
export const dollars = (cents: number): number => Math.round(cents) / 100;
