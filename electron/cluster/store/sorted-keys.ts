// Keys kept in JS string order so prefix ranges are one binary search plus a slice.
// A plain sorted array beats a tree here: 10k–100k keys, reads far outnumber inserts,
// and splice is a memmove of pointers.

export class SortedKeys {
  private keys: string[] = [];

  /** Replace the contents with `keys` (any order, no duplicates). */
  load(keys: string[]): void {
    this.keys = keys.slice().sort(compareKeys);
  }

  get size(): number {
    return this.keys.length;
  }

  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /**
   * Keys starting with `prefix`, from `startKey` (inclusive) on, at most `limit` of them (0 = no limit).
   * `count` is the number of keys under the prefix regardless of startKey/limit.
   */
  range(prefix: string, startKey = '', limit = 0): { keys: string[]; more: boolean; count: number } {
    const first = this.lowerBound(prefix);
    const end = this.prefixEnd(prefix, first);
    const from = startKey > prefix ? Math.min(Math.max(this.lowerBound(startKey), first), end) : first;
    const to = limit > 0 ? Math.min(from + limit, end) : end;
    return { keys: this.keys.slice(from, to), more: to < end, count: end - first };
  }

  /** First index whose key is >= `key`. */
  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Keys sharing a prefix are contiguous from `first`; find the first index past them. */
  private prefixEnd(prefix: string, first: number): number {
    let lo = first;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid].startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
