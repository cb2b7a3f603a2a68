// kmod-src may import only kmod-src and the kernel declaration layer.
import { OUTSIDE } from '../fixtures/outside'; // KTS0003
import { type int } from '../../../kmod-src/kernel/types';

export function all(): int {
	return 0;
}
