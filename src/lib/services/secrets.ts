/**
 * The API key, when the user asks to "Remember on this device": one record in its own
 * IndexedDB database (`opsiq-secrets`), never in the state database, an export or a URL.
 * This protects the key from being sent anywhere by OpsIQ and from leaving with an export; it
 * does not protect it from anyone who can run script on this page or use this browser profile.
 */
import { openDB } from 'idb';

const DB = 'opsiq-secrets';
const STORE = 'keys';

const db = () =>
  openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE);
    }
  });

export async function readRememberedKey(): Promise<string | null> {
  const value: unknown = await (await db()).get(STORE, 'llm');
  return typeof value === 'string' ? value : null;
}

export async function rememberKey(key: string): Promise<void> {
  await (await db()).put(STORE, key, 'llm');
}

export async function forgetKey(): Promise<void> {
  await (await db()).delete(STORE, 'llm');
}
