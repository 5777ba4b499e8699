// Controller expectations, like upstream's UIDTrackingControllerExpectations: after a controller issues creates or
// deletes it waits until the informer has seen them before it syncs again, so a burst of watch events that arrives
// before the cache catches up cannot make it create (or delete) the same pods twice.

// upstream lets an expectation lapse after five minutes so a lost watch event cannot wedge a controller forever
const EXPECTATION_TTL_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  deleting: Set<string>;
  at: number;
}

export class Expectations {
  private readonly items = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** true when nothing is outstanding (or the record is stale), i.e. the controller may act on its cache */
  satisfied(key: string): boolean {
    const e = this.items.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.at > EXPECTATION_TTL_MS;
  }

  expectCreations(key: string, n: number): void {
    this.expect(key, n, []);
  }

  /** creations by count and deletions by pod key, replacing whatever was outstanding */
  expect(key: string, creations: number, deletions: string[]): void {
    this.items.set(key, { add: creations, del: deletions.length, deleting: new Set(deletions), at: this.now() });
  }

  /** deletions are tracked by pod key so a pod seen terminating and then deleted counts once */
  expectDeletions(key: string, podKeys: string[]): void {
    this.expect(key, 0, podKeys);
  }

  creationObserved(key: string): void {
    const e = this.items.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    const e = this.items.get(key);
    if (e && e.deleting.delete(podKey)) e.del--;
  }

  forget(key: string): void {
    this.items.delete(key);
  }
}
