// llbitmap-examine DEVICE...: what `mdadm -X` (--examine-bitmap) shows for
// the classic bitmap, for a member with the lockless bitmap. mdadm 4.4
// knows only the classic on-disk format; this reads ours (the bitmap
// superblock, then one state byte per chunk) and prints the same fields,
// in mdadm's layout, so scripts that parse mdadm -X work on both:
//   Bitmap : N bits (chunks), M dirty (P%)
// where "dirty" counts the chunks a resync would visit (dirty, need sync,
// syncing), and a line with the count of every state.
//
//   tsx qemu/llbitmap-examine.ts /dev/loop1      (or a raw image file)
//   tsx qemu/llbitmap-examine.ts --if-lockless DEV...
//        the same, but exit 3 and print nothing unless every DEV has a
//        lockless bitmap (qemu/guest/mdadm-shim then runs mdadm -X)
import { fileURLToPath } from 'node:url';
import { type Member, readMember, stateCounts } from './lib/mdimage.js';

function human(sectors: bigint): string {
	const bytes = Number(sectors) * 512;
	return `${(bytes / 2 ** 20).toFixed(2)} MiB ${(bytes / 1e6).toFixed(2)} MB`;
}

function uuid(b: Buffer): string {
	return [0, 4, 8, 12].map((i) => b.subarray(i, i + 4).toString('hex')).join(':');
}

export function examine(m: Member): string {
	const counts = stateCounts(m);
	const dirty = counts.dirty + counts['need sync'] + counts.syncing;
	const b = m.bitmap;
	const field = (name: string, value: string) => `${name.padStart(16)} : ${value}`;
	return [
		field('Filename', m.path),
		field('Magic', b.magic.toString(16)),
		field('Version', `${b.version} (lockless)`),
		field('UUID', uuid(b.uuid)),
		field('Events', String(b.events)),
		field('Events Cleared', String(b.eventsCleared)),
		field('State', b.events < m.events ? 'Out of date' : 'OK'),
		field('Chunksize', b.chunkSectors >= 2048n ? `${b.chunkSectors >> 11n} MB` : `${b.chunkSectors >> 1n} KB`),
		field('Daemon', `${b.daemonSleep}s flush period`),
		field('Write Mode', b.writeBehind ? `Allow write behind, max ${b.writeBehind}` : 'Normal'),
		field('Sync Size', `${b.syncSize / 2n} (${human(b.syncSize)})`),
		field('Bitmap', `${m.chunks} bits (chunks), ${dirty} dirty (${((dirty * 100) / Math.max(m.chunks, 1)).toFixed(1)}%)`),
		field('Chunk states', Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')),
	].join('\n');
}

function main(args: string[]): number {
	const onlyIf = args[0] === '--if-lockless';
	const devices = onlyIf ? args.slice(1) : args;
	if (!devices.length) {
		console.error('usage: llbitmap-examine [--if-lockless] DEVICE...');
		return 2;
	}
	const out: string[] = [];
	for (const dev of devices) {
		try {
			out.push(examine(readMember(dev)));
		} catch (e) {
			if (onlyIf) return 3;
			console.error(`llbitmap-examine: ${(e as Error).message}`);
			return 2;
		}
	}
	console.log(out.join('\n'));
	return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
