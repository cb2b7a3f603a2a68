/**
 * Golden case: a state table, an ops table, sysfs attributes, a module
 * parameter and an exported symbol.
 */
import { EINVAL } from '../../../kmod-src/kernel/errno';
import { kstrtoul } from '../../../kmod-src/kernel/kstrtox';
import { __ATTR_RO, __ATTR_RW, type attribute_group, type attribute_list, type mddev } from '../../../kmod-src/kernel/md';
import { EXPORT_SYMBOL_GPL, module_param, type Param } from '../../../kmod-src/kernel/module';
import { sysfs_emit } from '../../../kmod-src/kernel/printk';
import { type block_device_operations, type bio, bio_endio } from '../../../kmod-src/kernel/blkdev';
import { THIS_MODULE } from '../../../kmod-src/kernel/module';
import { type bool, type char, type cstr, int, local, type Mem, type Ptr, type size_t, ssize_t, type Table, type u8, type uint, ulong } from '../../../kmod-src/kernel/types';

enum light {
	Red = 0,
	Green,
	Amber,
	LightCount,
	LightNone = 0xff,
}

enum event {
	Go = 0,
	Stop,
	EventCount,
}

/** Initialisers in TypeScript's spellings that C does not have. */
enum spelled {
	Octal = 0o4,
	Grouped = 1_000,
	Binary = 0b101,
	Shifted = 1_0 << 2,
}

/** Next light: every light x event is written out. */
const next_light: Table<light, event, u8> = {
	[light.Red]: { [event.Go]: light.Green, [event.Stop]: light.LightNone },
	[light.Green]: { [event.Go]: light.LightNone, [event.Stop]: light.Amber },
	[light.Amber]: { [event.Go]: light.LightNone, [event.Stop]: light.Red },
};

const verbose: Param<bool> = module_param('verbose', false, 0o644, 'Print each change');

let changes: uint = 0;

function step(l: light, e: event): light {
	const n = next_light[l][e];

	if (n === light.LightNone)
		return l;
	changes++;
	if (verbose.get())
		changes++;
	return n as light;
}

function changes_show(mddev: Ptr<mddev>, page: Mem<char>): ssize_t {
	return ssize_t(sysfs_emit(page, '%u\n', changes));
}

function limit_show(mddev: Ptr<mddev>, page: Mem<char>): ssize_t {
	return ssize_t(sysfs_emit(page, '%d\n', int(step(light.Red, event.Go))));
}

function limit_store(mddev: Ptr<mddev>, buf: cstr, len: size_t): ssize_t {
	const v = local<ulong>(0n);

	if (kstrtoul(buf, 10, v) || v.get() > 100n)
		return ssize_t(-EINVAL);
	return ssize_t(len);
}

const light_changes = __ATTR_RO('changes', changes_show);
const light_limit = __ATTR_RW('limit', limit_show, limit_store);
const light_attrs: attribute_list = [light_changes, light_limit];

const light_group: attribute_group = {
	name: 'light',
	attrs: light_attrs,
};

/**
 * The group other files list (md_attr_groups): not static, declared
 * extern in the header.
 * @global
 */
export const light_shared_group: Readonly<attribute_group> = {
	name: 'light_shared',
	attrs: light_attrs,
};

function light_submit_bio(bio: Ptr<bio>): void {
	bio_endio(bio);
}

const light_fops: Readonly<block_device_operations> = {
	owner: THIS_MODULE,
	submit_bio: light_submit_bio,
};

/**
 * light_group_of - the sysfs group of the light
 * @global
 */
export function light_group_of(): Ptr<attribute_group> {
	return light_group;
}

export function light_fops_of(): Readonly<Ptr<block_device_operations>> {
	return light_fops;
}

EXPORT_SYMBOL_GPL(light_fops_of);
