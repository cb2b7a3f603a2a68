// The differential harness: one TypeScript program of the subset, compiled
// by ktsc and built by gcc with the undefined-behaviour and address
// sanitizers (user space, against include/linux/*.h), and the same program
// run as its Node reading; each call's result from both, side by side.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { compile } from '../../../compiler/src/compile.js';
import { formatDiagnostic } from '../../../compiler/src/diagnostics/diagnostics.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
const PRELUDE = join(ROOT, 'kmod-src/kernel');
const SIM_KERNEL = join(ROOT, 'test/sim/kernel');
const INCLUDE = join(import.meta.dirname, 'include');

/**
 * gcc as the kernel builds C (-fno-strict-overflow: signed arithmetic
 * wraps, shifting a negative value is defined), with every other
 * undefined behaviour fatal.
 */
export const GCC_FLAGS = [
	'-O2',
	'-std=gnu11',
	'-fno-strict-overflow',
	'-fsanitize=undefined,address',
	'-fno-sanitize=signed-integer-overflow,shift-base',
	'-fno-sanitize-recover=all',
	'-Wall',
	'-Werror',
];

interface CInt {
	c: string;
	bits: number;
	signed: boolean;
	bool?: boolean;
}

const C_TYPES: Record<string, CInt> = {
	bool: { c: 'bool', bits: 1, signed: false, bool: true },
	u8: { c: 'u8', bits: 8, signed: false },
	s8: { c: 's8', bits: 8, signed: true },
	u16: { c: 'u16', bits: 16, signed: false },
	s16: { c: 's16', bits: 16, signed: true },
	u32: { c: 'u32', bits: 32, signed: false },
	s32: { c: 's32', bits: 32, signed: true },
	int: { c: 'int', bits: 32, signed: true },
	'unsigned int': { c: 'unsigned int', bits: 32, signed: false },
	u64: { c: 'u64', bits: 64, signed: false },
	s64: { c: 's64', bits: 64, signed: true },
	long: { c: 'long', bits: 64, signed: true },
	'unsigned long': { c: 'unsigned long', bits: 64, signed: false },
	sector_t: { c: 'sector_t', bits: 64, signed: false },
	loff_t: { c: 'loff_t', bits: 64, signed: true },
};

export interface Fn {
	name: string;
	ret: CInt;
	params: CInt[];
}

export interface Call {
	fn: string;
	args: bigint[];
}

export interface Built {
	fns: Fn[];
	exe: string;
	/** The Node reading, imported. */
	mod: Record<string, (...a: unknown[]) => unknown>;
	c: string;
	reading: string;
}

let imports = 0;

/** What ktsc says about a program it refuses. */
export class Refused extends Error {}

/**
 * Compile `file` both ways; `work` is a scratch directory. `raw`: Node
 * runs the source as it is, not its reading (the broken variant: what
 * the simulator ran before the reading).
 */
export async function build(file: string, work: string, raw = false, extraFlags: string[] = [], units: string[] = []): Promise<Built> {
	mkdirSync(work, { recursive: true });
	const dir = dirname(file);
	// `units`: other files the program imports (kmod-src's), each its own C
	// file; the source directory then spans both
	const r = compile(units.length ? ROOT : dir, { files: [file, ...units], preludeDir: PRELUDE, nodeReading: true, reuse: true });
	if (r.diagnostics.count) throw new Refused(r.diagnostics.sorted().map((d) => formatDiagnostic(d, ROOT)).join('\n'));
	const name = basename(file, '.ts');
	for (const f of r.files) writeFileSync(join(work, basename(f.path)), f.text);
	const hFile = r.files.find((f) => f.path.endsWith(`/${name}.h`));
	const fns = prototypes(hFile?.text ?? '');
	writeFileSync(join(work, 'main.c'), harnessMain(name, fns));
	const exe = join(work, name);
	const cs = r.files.filter((f) => f.path.endsWith('.c')).map((f) => join(work, basename(f.path)));
	// (asynchronous: the next program compiles while gcc runs)
	try {
		await promisify(execFile)('gcc', [...GCC_FLAGS, ...extraFlags, '-I', INCLUDE, '-I', work, '-o', exe, ...cs, join(work, 'main.c')]);
	} catch (e) {
		throw new Error(`gcc failed:\n${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
	}
	// the reading imports the simulated kernel where the program imports the
	// declarations, and other modules where they are (kmod-src's run as
	// their own reading: vitest.config.ts)
	const reading = (raw ? readFileSync(file, 'utf8') : r.readings!.get(resolve(file))!).replace(/(from\s+)(['"])(\.[^'"]*)\2/g, (_m, from, q, spec: string) => {
		const kernel = /kmod-src\/kernel\/([\w-]+)$/.exec(spec);
		return `${from}${q}${kernel ? join(SIM_KERNEL, `${kernel[1]}.ts`) : `${resolve(dir, spec)}.ts`}${q}`;
	});
	// a new name each time: the module runner caches modules by path
	const readingFile = join(work, `${name}.${raw ? 'raw' : 'reading'}.${++imports}.ts`);
	writeFileSync(readingFile, reading);
	const mod = (await import(readingFile)) as Built['mod'];
	rmSync(readingFile);
	return { fns, exe, mod, c: r.files.find((f) => f.path.endsWith(`/${name}.c`))!.text, reading };
}

function prototypes(h: string): Fn[] {
	const fns: Fn[] = [];
	// (a long prototype is broken after a comma)
	for (const m of h.replace(/,\n\s+/g, ', ').matchAll(/^([\w ]+?)\s*\b(\w+)\((.*)\);$/gm)) {
		const ret = C_TYPES[m[1]];
		const params = m[3] === 'void' ? [] : m[3].split(', ').map((p) => C_TYPES[p.replace(/\s*\w+$/, '')]);
		if (!ret || params.some((p) => !p)) throw new Error(`the harness does not know the types of '${m[0]}'`);
		fns.push({ name: m[2], ret, params });
	}
	return fns;
}

/** main(): reads "name arg..." lines, prints each result on a line. */
function harnessMain(name: string, fns: Fn[]): string {
	const cases = fns.map((f) => {
		const args = f.params.map((p, i) => `(${p.c})${p.signed ? `strtoll(argv_[${i}], NULL, 10)` : `strtoull(argv_[${i}], NULL, 10)`}`);
		const fmt = f.ret.signed ? `printf("%lld\\n", (long long)${f.name}(${args.join(', ')}));` : `printf("%llu\\n", (unsigned long long)${f.name}(${args.join(', ')}));`;
		return `\t\tif (!strcmp(fn, "${f.name}")) {\n\t\t\t${fmt}\n\t\t\tcontinue;\n\t\t}`;
	});
	return `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "${name}.h"

int main(void)
{
	char line[4096];

	while (fgets(line, sizeof(line), stdin)) {
		char *argv_[16];
		char *fn = strtok(line, " \\n");
		int n = 0;

		if (!fn)
			continue;
		while (n < 16 && (argv_[n] = strtok(NULL, " \\n")))
			n++;
${cases.join('\n')}
		printf("no such function %s\\n", fn);
	}
	return 0;
}
`;
}

/** Every call through the C; a sanitizer report throws with it. */
export async function runC(b: Built, calls: Call[]): Promise<string[]> {
	const input = calls.map((c) => `${c.fn} ${c.args.join(' ')}\n`).join('');
	const p = spawn(b.exe, [], { env: { ...process.env, UBSAN_OPTIONS: 'print_stacktrace=1', ASAN_OPTIONS: 'detect_leaks=0' } });
	let out = '';
	let err = '';
	p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
	p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
	p.stdin.end(input);
	const status = await new Promise<number | null>((res) => p.on('close', res));
	if (status !== 0) throw new Error(`the C failed (status ${status}):\n${err}`);
	return out.trimEnd().split('\n');
}

/** Every call through the Node reading; a throw is the result. */
export function runNode(b: Built, calls: Call[]): string[] {
	return calls.map((c) => {
		const f = b.fns.find((x) => x.name === c.fn)!;
		const args = c.args.map((v, i) => (f.params[i].bits === 64 ? v : Number(v)));
		try {
			const r = b.mod[c.fn](...args);
			return typeof r === 'boolean' ? (r ? '1' : '0') : String(r);
		} catch (e) {
			return `throws ${(e as Error).message}`;
		}
	});
}

/** An argument of type `t` from any 64-bit pattern, as C converts it. */
export function argOf(t: CInt, raw: bigint): bigint {
	if (t.bool) return raw & 1n;
	return t.signed ? BigInt.asIntN(t.bits, raw) : BigInt.asUintN(t.bits, raw);
}
