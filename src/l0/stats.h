/* SPDX-License-Identifier: MIT */
/* Exit statistics, in the shape of `perf kvm stat report`. */
#ifndef NESTVM_L0_STATS_H
#define NESTVM_L0_STATS_H

#include <stdio.h>

struct vm;

void stats_print(struct vm *vm, FILE *f);

#endif
