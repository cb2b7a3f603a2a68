/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Allocation for the differential tests: calloc/free, checked by ASan. */
#ifndef _DIFF_LINUX_SLAB_H
#define _DIFF_LINUX_SLAB_H
#include <stdlib.h>
#define GFP_KERNEL 0
#define GFP_NOIO 0
#define GFP_ATOMIC 0
#define kzalloc(size, flags) calloc(1, (size))
#define kcalloc(n, size, flags) calloc((n), (size))
#define kfree(p) free(p)
#endif /* _DIFF_LINUX_SLAB_H */
