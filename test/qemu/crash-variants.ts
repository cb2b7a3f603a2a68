// Broken bitmaps, built only for the tests that must catch them (crash
// replay, interop): each is md-mod.ko with one edit to the C that ktsc
// wrote, built beside the real one in build/<set>/ (never in build/modules
// or the guest's modules). The guest loads one with insmod from the host's
// path.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD, paths } from '../../qemu/lib/guest.js';

export interface Variant {
	name: string;
	/** What the broken bitmap does wrong. */
	what: string;
	edits: { file: string; find: string; replace: string }[];
}

export const VARIANTS: Variant[] = [
	{
		name: 'no-fua',
		what: 'the bitmap block is written without FUA (durable only at the next flush)',
		edits: [
			{ file: 'md_meta.c', find: 'ctx->bio.bi_opf |= REQ_FUA;', replace: 'ctx->bio.bi_opf &= ~REQ_FUA;' },
			{ file: 'md-llbitmap.c', find: 'REQ_OP_WRITE | REQ_SYNC | REQ_META | REQ_FUA,', replace: 'REQ_OP_WRITE | REQ_SYNC | REQ_META,' },
		],
	},
	{
		name: 'no-wait',
		what: 'the data goes out before the bitmap block write completes',
		edits: [{ file: 'md-llbitmap.c', find: '\t\twait_event(llbitmap->io_wait,\n\t\t\t   atomic_read(&llbitmap->pending_io) == 0);\n', replace: '' }],
	},
	{
		name: 'no-flush',
		what: 'a block that turns chunks Clean is written before the members flush the data it covers',
		edits: [
			{ file: 'md-llbitmap.c', find: '\t\t\tllbitmap_flush_members(llbitmap);\n', replace: '\t\t\t;\n' },
			{ file: 'md-llbitmap.c', find: 'static void llbitmap_flush_members(', replace: 'static void __maybe_unused llbitmap_flush_members(' },
		],
	},
];

/**
 * The module before it recorded the chunk size in sectors (mainline's
 * unit): bytes, untagged. Mainline reads them as sectors.
 */
export const BYTES_CHUNKSIZE: Variant = {
	name: 'bytes-chunksize',
	what: "the bitmap superblock records the chunk size in bytes, as this module did before it wrote mainline's sectors",
	edits: [
		{
			file: 'md-llbitmap.c',
			find: '\t\tsb->chunksize = cpu_to_le32(bitmap->chunksize);\n\t\tsb->pad[LLBITMAP_SB_TAG_AT] = LLBITMAP_SB_TAG_SECTORS;\n',
			replace: '\t\tsb->chunksize = cpu_to_le32(bitmap->chunksize << 9);\n\t\tsb->pad[LLBITMAP_SB_TAG_AT] = 0;\n',
		},
	],
};

/**
 * Build md-mod.ko for each variant from build/md-src (the sources
 * scripts/modules.sh built the real one from), one after the other in one
 * copy so that only the edited objects are rebuilt, in build/`set`; return
 * their paths.
 */
export function buildVariants(log: (s: string) => void = console.log, variants = VARIANTS, set = 'crash-variants'): Map<string, string> {
	const { kdir } = paths();
	const dir = join(BUILD, set);
	const from = join(BUILD, 'md-src');
	if (!existsSync(join(from, 'md-mod.ko'))) throw new Error(`no ${from}/md-mod.ko: run make guest-modules first`);
	const src = join(dir, 'src');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	cpSync(from, src, { recursive: true });
	const files = new Set(variants.flatMap((v) => v.edits.map((e) => e.file)));
	const original = new Map([...files].map((f) => [f, readFileSync(join(src, f), 'utf8')]));
	const out = new Map<string, string>();
	for (const v of variants) {
		const t0 = Date.now();
		for (const [f, text] of original) writeFileSync(join(src, f), text);
		for (const e of v.edits) {
			const file = join(src, e.file);
			const text = readFileSync(file, 'utf8');
			const n = text.split(e.find).length - 1;
			if (n !== 1) throw new Error(`variant ${v.name}: ${JSON.stringify(e.find)} occurs ${n} times in ${e.file} (ktsc's output changed: mend the edit)`);
			writeFileSync(file, text.replace(e.find, e.replace));
		}
		try {
			execFileSync('make', ['-C', kdir, `M=${src}`, `-j${2}`, 'md-mod.ko'], { stdio: 'pipe' });
		} catch (err) {
			const e = err as { stdout?: Buffer; stderr?: Buffer };
			throw new Error(`variant ${v.name}: build failed\n${e.stdout?.toString().slice(-3000)}${e.stderr?.toString().slice(-3000)}`);
		}
		const ko = join(dir, `md-mod-${v.name}.ko`);
		copyFileSync(join(src, 'md-mod.ko'), ko);
		out.set(v.name, ko);
		log(`variant ${v.name}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s (${ko})`);
	}
	return out;
}
