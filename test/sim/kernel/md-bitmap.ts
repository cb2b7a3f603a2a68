// Runtime of kmod-src/kernel/md-bitmap.d.ts.
export const BITMAP_MAGIC = 0x6d746962;
export const BITMAP_STALE = 1;
export const BITMAP_WRITE_ERROR = 2;
export { PageView as bitmap_super_t } from './mm.js';

export class md_bitmap_stats {
	events_cleared = 0n;
	behind_writes = 0;
	behind_wait = false;
	missing_pages = 0n;
	file_pages = 0n;
	sync_size = 0n;
	pages = 0n;
	file: unknown = null;
}
export class bitmap_operations {}
