// Runtime of kmod-src/kernel/fs.d.ts.
import { type block_device, disk_get, put_disk } from './blkdev.js';
import { spawn } from '../sched.js';

export class file {
	private_data: unknown = null;
	constructor(readonly bdev: block_device | null = null) {}
	closed = false;
}
function release(f: file): void {
	if (f.closed) throw new Error('fput() of a released file');
	f.closed = true;
	if (f.bdev?.bd_disk) put_disk(f.bdev.bd_disk);
}
/**
 * md releases the meta file from a work item (md_misc_wq): the final
 * fput is deferred to delayed_fput, a jiffy later, as the kernel does.
 */
export function fput(f: file): void {
	spawn('delayed_fput', () => release(f), 1n, 'leaf');
}
export function __fput_sync(f: file): void {
	release(f);
}
export function file_bdev(f: file): block_device {
	if (!f.bdev) throw new Error('file_bdev() of a file without a block device');
	return f.bdev;
}
/** The file pins the block device, and so its disk. */
export function bdev_file_alloc(bdev: block_device, _mode: number): file {
	if (bdev.bd_disk) disk_get(bdev.bd_disk);
	return new file(bdev);
}
