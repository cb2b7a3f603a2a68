import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { ktsNodeReading } from './compiler/src/reading/vite-plugin.js';

export default defineConfig({
	// kmod-src runs as ktsc reads it for Node: C's wrapping where JavaScript would not
	plugins: [ktsNodeReading(resolve(import.meta.dirname, 'kmod-src'))],
	resolve: {
		// kmod-src imports the kernel declaration layer (kmod-src/kernel/*.d.ts);
		// in Node those imports run the simulated kernel (test/sim/kernel/*.ts).
		alias: [{ find: /^(?:\.\.?\/)+kernel\/([\w-]+)$/, replacement: resolve(import.meta.dirname, 'test/sim/kernel/$1.ts') }],
	},
	test: {
		include: ['test/**/*.test.ts'],
		// QEMU guests compete for the machine's two cores: one file at a time.
		fileParallelism: false,
		// Node-only tests; a QEMU test sets its own, derived from its guests'
		// watchdogs (qemu/lib/guest.ts guestSeconds), so the guest's fires first
		testTimeout: 120_000,
		hookTimeout: 600_000,
		reporters: ['default'],
	},
});
