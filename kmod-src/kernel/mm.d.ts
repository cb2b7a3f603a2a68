/**
 * Pages.
 * @header linux/mm.h
 */
import type { gfp_t, int, Mem, Ptr, u8, uint, ulong, VoidPtr } from './types';

/** struct page: only passed around. */
export declare class page {
	private readonly __page: never;
}

export declare const PAGE_SIZE: ulong;
export declare const PAGE_SHIFT: int;

/** @gfp gfp */
export declare function alloc_page(gfp: gfp_t): Ptr<page> | null;
export declare function __free_page(page: Ptr<page>): void;
/** The page's memory as bytes (no highmem on x86_64). */
export declare function page_address(page: Ptr<page>): Mem<u8>;
/** @header linux/highmem.h */
export declare function kmap_local_page(page: Ptr<page>): VoidPtr;
/** @header linux/highmem.h */
export declare function kunmap_local(addr: VoidPtr): void;

/**
 * Offset of a byte position within its page.
 * @macro
 */
export declare function offset_in_page(pos: uint): uint;
/** Sectors per page, as a shift. */
export declare const PAGE_SECTORS_SHIFT: int;
/**
 * Sectors per page.
 * @header linux/blk_types.h
 */
export declare const PAGE_SECTORS: int;
