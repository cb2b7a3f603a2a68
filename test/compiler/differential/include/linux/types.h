/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's integer types for the differential tests, in user space:
 * ktsc's C for a test program is built against this with gcc and run
 * beside the program's Node reading (test/compiler/differential.test.ts).
 */
#ifndef _DIFF_LINUX_TYPES_H
#define _DIFF_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef int8_t s8;
typedef uint16_t u16;
typedef int16_t s16;
typedef uint32_t u32;
typedef int32_t s32;
typedef unsigned long long u64;
typedef long long s64;
typedef u64 sector_t;
/* loff_t and ssize_t: glibc's (long), the same width as the kernel's */
#include <sys/types.h>
typedef unsigned long pgoff_t;

#endif /* _DIFF_LINUX_TYPES_H */
