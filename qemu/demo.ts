// `make demo`: boot the guest, load md-mod.ko with llbitmap=1, build a raid10
// on four brd ramdisks with an internal bitmap, write and verify data, show
// /proc/mdstat and the bitmap's state, stop the array.
import { runGuest } from './lib/guest.js';

const r = await runGuest({
	name: 'demo',
	scenario: 'demo',
	timeoutSec: 600,
	onLine: (line) => process.stdout.write(`  | ${line}\n`),
});
console.log(`\ndemo: guest ran ${r.seconds.toFixed(1)} s under ${r.accel.toUpperCase()}; log: ${r.logPath}`);
if (!r.ok) {
	console.error(`demo: FAILED: ${r.failure}`);
	process.exit(1);
}
console.log('demo: OK');
