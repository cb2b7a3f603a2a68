// block/bdev.c's internals do not run in Node: the kernel patch unit is C only.
export {};
