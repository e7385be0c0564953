/**
 * Deterministic, labelled synthetic billing data for OpsIQ: the seven tables of
 * shared/DATA_CONTRACT.md plus labels.json. Pure TypeScript (no Node imports), so it runs in
 * the CLI (`data/generate.ts`) and in a browser worker alike.
 */
export { countRows, generateDataset, generateToSink, serializeLabels } from './api';
export type { DatasetFile, GeneratedDataset, GenerateDatasetOptions } from './api';
export type { ChunkSink } from './csv-writer';
export { DEFAULT_AS_OF, DEFINITIONS, spikeThreshold } from './definitions';
export { ANOMALY_TYPES, anomalyLabelSchema, labelsSchema, nearMissLabelSchema } from './labels';
export type { AnomalyLabel, AnomalyType, Labels, NearMissLabel, NearMissPattern } from './labels';
export { EXPECTED_ROWS, SCALE_PARAMS, SCALES } from './scales';
export type { Scale, ScaleParams } from './scales';
export { Simulation } from './simulation';
export type { GenerateOptions, GenerationResult } from './simulation';
export { TABLE_COLUMNS, TABLE_NAMES } from './tables';
export type { RowCounts, TableName } from './tables';
