import { onReset } from '../sched.js';
// Runtime of kmod-src/kernel/printk.d.ts: messages go to `log`.
export const log: { level: string; text: string }[] = [];

/** printf as the kernel does it, for the conversions the subset checks. */
export function format(fmt: string, args: unknown[]): string {
	let i = 0;
	return fmt.replace(/%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?(hh|h|ll|l|z|t|j)?([a-zA-Z%])([a-zA-Z]*)/g, (all, _fl, _w, _p, _len, conv: string, ext: string) => {
		if (conv === '%') return '%';
		const a = args[i++];
		switch (conv) {
			case 'd':
			case 'i':
			case 'u':
				return String(typeof a === 'boolean' ? Number(a) : a) + ext;
			case 'x':
				return (typeof a === 'bigint' ? a : BigInt(a as number)).toString(16) + ext;
			case 's':
				return String(a) + ext;
			case 'c':
				return String.fromCharCode(a as number) + ext;
			case 'p':
				return ext ? `<${ext}>` : '<ptr>';
		}
		return all;
	});
}

function printk(level: string) {
	return (fmt: string, ...args: unknown[]): void => {
		log.push({ level, text: format(fmt, args) });
	};
}

export const pr_err = printk('err');
export const pr_warn = printk('warn');
export const pr_notice = printk('notice');
export const pr_info = printk('info');
export const pr_debug = printk('debug');

/** A sysfs show() buffer. */
export class SysfsPage {
	text = '';
}
export function sysfs_emit(buf: SysfsPage, fmt: string, ...args: unknown[]): number {
	buf.text = format(fmt, args);
	return buf.text.length;
}
export function sysfs_emit_at(buf: SysfsPage, at: number, fmt: string, ...args: unknown[]): number {
	const s = format(fmt, args);
	buf.text = buf.text.slice(0, at) + s;
	return s.length;
}

onReset(() => {
	log.length = 0;
});
