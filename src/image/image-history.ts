// docker history: the config's history, newest first, each entry that made a layer paired with
// that layer's size. The top entry carries the image id; older ones are <missing>, as for any
// image that was pulled rather than built here.
import type { HistoryEntry } from '../oci/image-spec.ts';
import { readConfig } from './list-images.ts';
import type { ImageStore } from './store/image-store.ts';
import type { ImageRecord } from './store/image-record.ts';

export interface HistoryRow {
  id: string;          // the image id on the newest row, else "<missing>"
  created: string;
  createdBy: string;
  size: number;
  comment: string;
  tags: string[];
}

export function imageHistory(store: ImageStore, r: ImageRecord): HistoryRow[] {
  const c = readConfig(store, r);
  const history: HistoryEntry[] = c.history ?? r.layers.map(() => ({}));
  const rows: HistoryRow[] = [];
  let layer = 0;
  for (const h of history) {
    const size = h.empty_layer ? 0 : (r.layers[layer++]?.unpackedSize ?? 0);
    rows.push({ id: '<missing>', created: h.created ?? '', createdBy: h.created_by ?? '', size, comment: h.comment ?? '', tags: [] });
  }
  rows.reverse();
  if (rows[0]) {
    rows[0].id = r.id;
    rows[0].tags = store.repoTags(r.id);
  }
  return rows;
}
