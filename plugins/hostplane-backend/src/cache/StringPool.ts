/**
 * Keys whose values are unique to one object: pooling them would only grow the pool.
 */
const UNIQUE_KEYS = new Set(['uid', 'resourceVersion']);

/**
 * One shared copy of each string value the cached hub objects repeat.
 *
 * Every object parsed from the hub carries its own copy of strings that thousands of others carry
 * too: condition types, reasons, messages and times, release images, versions, label and
 * annotation values. Pooling them keeps one copy each. The pool is cleared when it reaches its
 * limit, so values that stop repeating (a deleted cluster's) cannot make it grow without end;
 * objects interned before keep the copies they have.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  constructor(private readonly maxSize = 100_000) {}

  get size(): number {
    return this.strings.size;
  }

  intern(value: string): string {
    const pooled = this.strings.get(value);
    if (pooled !== undefined) return pooled;
    if (this.strings.size >= this.maxSize) this.strings.clear();
    this.strings.set(value, value);
    return value;
  }

  /** Replaces, in place, every string in `value` (a parsed JSON object) by its pooled copy. */
  internAll<T>(value: T): T {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        value[i] = this.internValue(value[i]);
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!UNIQUE_KEYS.has(key)) record[key] = this.internValue(record[key]);
      }
    }
    return value;
  }

  private internValue(value: unknown): unknown {
    return typeof value === 'string'
      ? this.intern(value)
      : this.internAll(value);
  }
}
