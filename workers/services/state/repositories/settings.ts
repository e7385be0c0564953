import type { Database } from 'sql.js';
import type { JsonValue } from '../../../contracts/state';
import { fromJson, queryRows, stmt, toJson, type Statement } from '../sql';

/** Settings: one JSON value per key (provider, model, thresholds the user chose, ...). */
export function readSettings(db: Database): Record<string, JsonValue> {
  const settings: Record<string, JsonValue> = {};
  for (const row of queryRows(db, 'SELECT key, value_json FROM settings ORDER BY key')) {
    settings[String(row['key'])] = fromJson(row['value_json']) as JsonValue;
  }
  return settings;
}

export function setSettingSql(key: string, value: JsonValue, at: string): Statement[] {
  return [
    stmt(
      `INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
      key,
      toJson(value),
      at
    )
  ];
}

export function deleteSettingSql(key: string): Statement[] {
  return [stmt('DELETE FROM settings WHERE key = ?', key)];
}
