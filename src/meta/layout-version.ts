// The meta/version record: stamps a store with the key layout it was written
// in, so a Strata that does not know that layout refuses it instead of
// misreading it. Call once after opening a store, before anything else.
import { StrataError } from '../errors/index.ts';
import { META_LAYOUT_VERSION, META_VERSION_KEY } from './keys.ts';
import type { MetaStore } from './meta-store.ts';
import { decodeMetaVersion, encodeMetaVersion } from './records.ts';

/** Stamps an empty store with this layout version, or checks the stamp already there. */
export async function ensureLayoutVersion(meta: MetaStore): Promise<void> {
  const stamp = encodeMetaVersion({ layout: META_LAYOUT_VERSION });
  if (await meta.compareAndSet(META_VERSION_KEY, undefined, stamp)) return;
  const raw = await meta.get(META_VERSION_KEY);
  if (raw === undefined) return ensureLayoutVersion(meta); // deleted in between: try again
  const { layout } = decodeMetaVersion(raw, META_VERSION_KEY);
  if (layout !== META_LAYOUT_VERSION) {
    throw new StrataError(
      'META_CORRUPT',
      `metadata in ${meta.description} uses key layout ${layout}; this Strata reads layout ${META_LAYOUT_VERSION}`,
      { layout, supported: META_LAYOUT_VERSION },
    );
  }
}
