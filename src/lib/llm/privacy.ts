/**
 * Pseudonymisation: customer ids and names become `C-1`, `C-2`, ... before anything is sent,
 * and are mapped back in the reply. Values are found under customer keys of the data (and then
 * replaced wherever they occur in its text, e.g. a signal message naming a customer).
 */
const CUSTOMER_KEYS = /^(customer|customer_?id|customer_?ids|customer_?name|customerids|name)$/i;
const ALIAS = /\bC-(\d+)\b/g;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export class Pseudonymiser {
  readonly enabled: boolean;
  readonly #forward = new Map<string, string>();
  readonly #back = new Map<string, string>();

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  get size(): number {
    return this.#forward.size;
  }

  alias(value: string): string {
    if (!this.enabled || value.trim() === '') return value;
    let a = this.#forward.get(value);
    if (!a) {
      a = `C-${this.#forward.size + 1}`;
      this.#forward.set(value, a);
      this.#back.set(a, value);
    }
    return a;
  }

  /** A copy of `data` with every customer id and name replaced by its alias. */
  mask(data: unknown): Json {
    if (!this.enabled) return data as Json;
    this.#collect(data, false);
    // Longest first, so "ACME Corp" is replaced before "ACME".
    const known = [...this.#forward.keys()].filter((v) => v.length >= 3);
    known.sort((a, b) => b.length - a.length);
    const replace = (s: string) => {
      const exact = this.#forward.get(s);
      if (exact) return exact;
      let out = s;
      for (const v of known) if (out.includes(v)) out = out.split(v).join(this.#forward.get(v));
      return out;
    };
    const walk = (x: unknown): Json => {
      if (typeof x === 'string') return replace(x);
      if (Array.isArray(x)) return x.map(walk);
      if (x && typeof x === 'object')
        return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
      return (x ?? null) as Json;
    };
    return walk(data);
  }

  /** Maps aliases in a reply back to the real ids and names. */
  unmask<T>(value: T): T {
    if (!this.enabled || this.#back.size === 0) return value;
    const walk = (x: unknown): unknown => {
      if (typeof x === 'string') return x.replace(ALIAS, (a) => this.#back.get(a) ?? a);
      if (Array.isArray(x)) return x.map(walk);
      if (x && typeof x === 'object')
        return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
      return x;
    };
    return walk(value) as T;
  }

  #collect(x: unknown, underCustomerKey: boolean): void {
    if (typeof x === 'string') {
      if (underCustomerKey) this.alias(x);
    } else if (Array.isArray(x)) {
      for (const v of x) this.#collect(v, underCustomerKey);
    } else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) this.#collect(v, CUSTOMER_KEYS.test(k));
    }
  }
}
