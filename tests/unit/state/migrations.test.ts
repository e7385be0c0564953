import { afterEach, describe, expect, it } from 'vitest';
import {
  latestSchemaVersion,
  pendingMigrationSql,
  stateTables
} from '../../../workers/services/state/migrations';
import type { StateService } from '../../../workers/services/state-service';
import { createTab, freshIdb, getAllRaw } from './harness';

const open: StateService[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((tab) => tab.close()));
});

describe('migrations', () => {
  it('migrates an empty store to the latest schema with every table empty', async () => {
    const tab = createTab({ idb: freshIdb() });
    open.push(tab);
    const report = await tab.open();
    expect(report).toMatchObject({
      schemaVersion: latestSchemaVersion,
      restored: 'empty',
      walReplayed: 0,
      walRejected: [],
      corruption: null
    });
    expect(report.sqliteVersion).toMatch(/^3\.\d+\.\d+$/);
    const counts = await tab.counts();
    expect(Object.keys(counts).sort()).toEqual([...stateTables].sort());
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('logs the migration once; a second open replays it and adds nothing', async () => {
    const idb = freshIdb();
    const first = createTab({ idb });
    await first.open();
    await first.close();
    expect(await getAllRaw(idb, 'wal')).toHaveLength(1);
    const second = createTab({ idb });
    open.push(second);
    const report = await second.open();
    expect(report).toMatchObject({ schemaVersion: latestSchemaVersion, walReplayed: 1 });
    expect(await getAllRaw(idb, 'wal')).toHaveLength(1);
  });

  it('open is idempotent: concurrent calls share one promise', async () => {
    const tab = createTab({ idb: freshIdb() });
    open.push(tab);
    const [a, b] = [tab.open(), tab.open()];
    expect(a).toBe(b);
    await a;
  });

  it('pending SQL ends by stamping user_version, and is empty at the latest version', () => {
    const sql = pendingMigrationSql(0);
    expect(sql.at(-1)).toBe(`PRAGMA user_version = ${latestSchemaVersion}`);
    expect(pendingMigrationSql(latestSchemaVersion)).toEqual([]);
  });

  it('refuses to work before open', async () => {
    const tab = createTab({ idb: freshIdb() });
    await expect(tab.countCases()).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
