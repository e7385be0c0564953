import initSqlJs from 'sql.js';
import { Comlink } from './contracts/wire';
import { StateService } from './services/state-service';

// Entry only: browser dependencies in, the service out (logic lives in StateService).
const channel = new BroadcastChannel('opsiq-state');
Comlink.expose(
  new StateService({
    loadSqlJs: (wasmUrl) => initSqlJs({ locateFile: () => wasmUrl ?? 'sql-wasm.wasm' }),
    idb: indexedDB,
    locks: { request: (name, cb) => navigator.locks.request(name, cb) },
    channel: {
      post: (message) => channel.postMessage(message),
      onMessage: (cb) => channel.addEventListener('message', (event) => cb(event.data)),
      close: () => channel.close()
    },
    now: () => new Date().toISOString(),
    dbName: 'opsiq-state',
    tuning: undefined
  })
);
