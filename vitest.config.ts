import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		// QEMU guests compete for the machine's two cores: one file at a time.
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 600_000,
		reporters: ['default'],
	},
});
