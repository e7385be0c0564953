/**
 * Reads for the case views straight from the active dataset in DuckDB: customer names (so a
 * customer shows as "Initech (C003)", not a bare id) and the rows behind one case. Cached per
 * dataset id; a dataset without a customers table simply has no names.
 */
import { analyticsWorker } from '$lib/services/workers';
import type { QueryParam, QueryResult } from '$workers/contracts/analytics';

export class CustomerNames {
  names = $state.raw<Readonly<Record<string, string>>>({});
  #datasetId: string | null = null;

  /** Loads the names of the dataset `datasetId` once; later calls with it are free. */
  async load(datasetId: string | null | undefined): Promise<void> {
    if (!datasetId || datasetId === this.#datasetId) return;
    this.#datasetId = datasetId;
    try {
      const result = await analyticsWorker().query(
        'SELECT customer_id, customer_name FROM customers WHERE customer_name IS NOT NULL'
      );
      if (this.#datasetId !== datasetId) return;
      this.names = Object.fromEntries(
        result.rows.map((r) => [String(r['customer_id']), String(r['customer_name'])])
      );
    } catch {
      this.names = {};
    }
  }

  get(id: string | null | undefined): string | undefined {
    return id && Object.hasOwn(this.names, id) ? this.names[id] : undefined;
  }
}

export const customerNames = new CustomerNames();

/** A read-only query of the active dataset (the case pictures and "show the rows"). */
export function queryDataset(sql: string, params: QueryParam[]): Promise<QueryResult> {
  return analyticsWorker().queryWithParams(sql, params);
}
