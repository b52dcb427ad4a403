// A least-recently-used cache bounded by a total weight (approximate bytes),
// so a reader's memory stays bounded whatever the size of the repo.

export class LruCache<V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least
  // recently used entry first, ready to evict.
  private readonly items = new Map<string, { value: V; weight: number }>();
  private total = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.size;
  }

  get weight(): number {
    return this.total;
  }

  get(key: string): V | undefined {
    const item = this.items.get(key);
    if (item === undefined) return undefined;
    this.items.delete(key);
    this.items.set(key, item);
    return item.value;
  }

  set(key: string, value: V, weight: number): void {
    const old = this.items.get(key);
    if (old !== undefined) {
      this.items.delete(key);
      this.total -= old.weight;
    }
    // Something bigger than the whole cache would only evict everything else.
    if (weight > this.capacity) return;
    this.items.set(key, { value, weight });
    this.total += weight;
    for (const [k, item] of this.items) {
      if (this.total <= this.capacity) break;
      this.items.delete(k);
      this.total -= item.weight;
    }
  }
}
