/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 header and entry (Multiboot Specification 0.6.96, 3.1 and 3.2), for
 * 32-bit guests and for 64-bit guests, which build identity page tables and enter
 * IA-32e mode (SDM Vol. 3A, 10.8.5 "Initializing IA-32e Mode").
 */
#include "asm.h"

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003 /* page-align modules, provide memory info */

	.section .mbheader, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .bss
	.balign 4096
	.globl stack_bottom, stack_top
stack_bottom:
	.skip 16384
stack_top:
#ifdef __x86_64__
	.balign 4096
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
#endif

	.data
	.balign 8
gdt_descr:
	.word GDT_ENTRIES * 8 - 1
	.long gdt, 0
	.globl mb_magic, mb_info
mb_magic:
	.long 0
mb_info:
	.long 0

	.text
	.code32
	.globl _start
_start:
	/* The loader leaves EAX = 0x2BADB002, EBX = info, no usable GDT/IDT. */
	cld
	mov %eax, %esi
	mov %ebx, %edx
	/* Clear .bss first: the stack and the page tables live there. */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %esi, mb_magic
	mov %edx, mb_info
	mov $stack_top, %esp
	lgdt gdt_descr
	ljmp $KERNEL_CS32, $1f
1:	mov $KERNEL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov %eax, %ss
#ifdef __x86_64__
	/* PML4[0] -> PDPT; PDPT[0..3] -> 4 PDs of 2-MiB pages: identity map of 4 GiB, U/S=1. */
	movl $boot_pdpt + PTE_DIR, boot_pml4
	mov $boot_pdpt, %edi
	mov $boot_pd + PTE_DIR, %eax
	mov $4, %ecx
2:	mov %eax, (%edi)
	add $4096, %eax
	add $8, %edi
	loop 2b
	mov $boot_pd, %edi
	mov $PTE_DIR + PTE_PS, %eax
	mov $2048, %ecx
3:	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 3b
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_PE), %eax
	mov %eax, %cr0
	ljmp $KERNEL_CS64, $start64
	.code64
start64:
	mov $stack_top, %rsp
	call lib_start
	mov %eax, %edi
	call exit
#else
	call lib_start
	push %eax
	call exit
#endif
