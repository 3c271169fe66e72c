/* SPDX-License-Identifier: MIT */
/* Guest SDK: constants shared by the assembly files (values as in desc.h and processor.h). */
#ifndef NESTVM_GUESTS_LIB_ASM_H
#define NESTVM_GUESTS_LIB_ASM_H

#define KERNEL_CS64 0x08
#define KERNEL_DS 0x10
#define KERNEL_CS32 0x18
#define KERNEL_CS16 0x20
#define KERNEL_DS16 0x28
#define USER_CS32 0x30
#define USER_DS 0x38
#define USER_CS64 0x40
#define GDT_ENTRIES 24

#define CR0_PE 0x00000001
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100

#define PTE_DIR 0x7   /* present, writable, user */
#define PTE_PS 0x80   /* page size (SDM Vol. 3A, Table 4-17) */

#define RM_CODE_SEG 0x0500
#define RM_STACK_TOP 0x7000
#define RM_TRAMP_ADDR 0x7000
#define RM_REGS_ADDR 0x7f00

#endif
