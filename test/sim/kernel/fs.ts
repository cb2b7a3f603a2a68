// Runtime of kmod-src/kernel/fs.d.ts.
import type { block_device } from './blkdev.js';

export class file {
	private_data: unknown = null;
	constructor(readonly bdev: block_device | null = null) {}
	closed = false;
}
export function fput(f: file): void {
	f.closed = true;
}
export function file_bdev(f: file): block_device {
	if (!f.bdev) throw new Error('file_bdev() of a file without a block device');
	return f.bdev;
}
export function bdev_file_alloc(bdev: block_device, _mode: number): file {
	return new file(bdev);
}
