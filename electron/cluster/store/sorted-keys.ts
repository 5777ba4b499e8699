// The current keys in key order, for range reads with prefix, start key and limit.
// Kept as a list of sorted blocks: one flat array made every insert a memmove of the whole key
// set (tens of thousands of pointers during a create burst); blocks bound that to a few hundred.

const MAX_BLOCK = 512;

interface Position {
  block: number;
  index: number;
}

export class SortedKeys {
  private blocks: string[][] = [[]];
  private n = 0;

  /** Replace the contents with `keys` (any order, no duplicates). */
  load(keys: string[]): void {
    const sorted = keys.slice().sort(compareKeys);
    this.blocks = [];
    for (let i = 0; i < sorted.length; i += MAX_BLOCK / 2) this.blocks.push(sorted.slice(i, i + MAX_BLOCK / 2));
    if (this.blocks.length === 0) this.blocks.push([]);
    this.n = sorted.length;
  }

  get size(): number {
    return this.n;
  }

  insert(key: string): void {
    const b = this.blockFor((k) => k < key);
    const arr = this.blocks[b];
    const i = lowerIndex(arr, (k) => k < key);
    if (arr[i] === key) return;
    arr.splice(i, 0, key);
    this.n++;
    if (arr.length > MAX_BLOCK) this.blocks.splice(b, 1, arr.slice(0, arr.length >> 1), arr.slice(arr.length >> 1));
  }

  remove(key: string): void {
    const b = this.blockFor((k) => k < key);
    const arr = this.blocks[b];
    const i = lowerIndex(arr, (k) => k < key);
    if (arr[i] !== key) return;
    arr.splice(i, 1);
    this.n--;
    if (arr.length === 0 && this.blocks.length > 1) this.blocks.splice(b, 1);
  }

  /**
   * Keys starting with `prefix`, from `startKey` (inclusive) on, at most `limit` of them (0 = no limit).
   * `count` is the number of keys under the prefix regardless of startKey/limit; `remaining` those after the
   * last key returned.
   */
  range(prefix: string, startKey = '', limit = 0): { keys: string[]; more: boolean; count: number; remaining: number } {
    const first = this.position((k) => k < prefix);
    const head = this.blocks[first.block][first.index];
    if (head === undefined || !head.startsWith(prefix)) return { keys: [], more: false, count: 0, remaining: 0 };
    // keys under a prefix are contiguous right after the keys below it
    const end = this.position((k) => k < prefix || k.startsWith(prefix));
    const count = this.ordinal(end) - this.ordinal(first);
    const from = startKey > prefix ? this.position((k) => k < startKey) : first;
    const keys: string[] = [];
    let { block, index } = from;
    const stop = this.ordinal(end);
    let at = this.ordinal(from);
    while (at < stop && (limit <= 0 || keys.length < limit)) {
      const arr = this.blocks[block];
      if (index >= arr.length) {
        block++;
        index = 0;
        continue;
      }
      keys.push(arr[index++]);
      at++;
    }
    return { keys, more: at < stop, count, remaining: Math.max(0, stop - at) };
  }

  /** The block holding the first key for which `before` is false (the last block when there is none). */
  private blockFor(before: (k: string) => boolean): number {
    let lo = 0,
      hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const arr = this.blocks[mid];
      if (arr.length === 0 || before(arr[arr.length - 1])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position of the first key for which the monotone predicate `before` is false. */
  private position(before: (k: string) => boolean): Position {
    const block = this.blockFor(before);
    return { block, index: lowerIndex(this.blocks[block], before) };
  }

  private ordinal(p: Position): number {
    let n = p.index;
    for (let b = 0; b < p.block; b++) n += this.blocks[b].length;
    return n;
  }
}

function lowerIndex(arr: string[], before: (k: string) => boolean): number {
  let lo = 0,
    hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(arr[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
