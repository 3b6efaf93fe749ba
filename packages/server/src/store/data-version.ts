/**
 * A counter every write to people, qualifications, documents, card links or consents bumps, so read caches on the
 * hot path (card-path results) can tell they are stale without listening to each writer.
 */
export class DataVersion {
  private value = 0;

  get current(): number {
    return this.value;
  }

  bump(): void {
    this.value++;
  }
}

/** A map that empties itself when the data version moves on (and when it grows past `max`). */
export class VersionedCache<V> {
  private readonly entries = new Map<string, V>();
  private version = -1;

  constructor(
    private readonly data: DataVersion,
    private readonly max = 10_000,
  ) {}

  get(key: string, make: () => V): V {
    if (this.version !== this.data.current) {
      this.entries.clear();
      this.version = this.data.current;
    }
    let v = this.entries.get(key);
    if (v === undefined) {
      if (this.entries.size >= this.max) this.entries.clear();
      v = make();
      this.entries.set(key, v);
    }
    return v;
  }
}
