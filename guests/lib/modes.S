/* SPDX-License-Identifier: MIT */
/*
 * Round trip to real mode: leave IA-32e mode through compatibility mode (SDM Vol. 3A,
 * 10.8.5.4 "Switching Out of IA-32e Mode Operation"), then protected mode through a
 * 16-bit segment (10.9.2 "Switching Back to Real-Address Mode"), run a 16-bit snippet,
 * and come back (10.9.1 "Switching to Protected Mode").
 */
#include "asm.h"

	.text
#ifdef __x86_64__
	.globl rm_switch
rm_switch:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, rm_saved_sp
	pushq $KERNEL_CS32
	pushq $1f
	lretq
	.code32
1:	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0			/* IA32_EFER.LMA becomes 0 */
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	call rm_switch32
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0			/* back in IA-32e mode, compatibility submode */
	ljmp $KERNEL_CS64, $2f
	.code64
2:	mov rm_saved_sp, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.code32

	/* uint32_t legacy_call(fn, arg): fn runs in 32-bit protected mode, paging off, EAX = arg. */
	.code64
	.globl legacy_call
legacy_call:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, rm_saved_sp
	mov %rdi, %rbx
	mov %esi, %ebp
	pushq $KERNEL_CS32
	pushq $1f
	lretq
	.code32
1:	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	mov %ebp, %eax
	call *%ebx
	mov %eax, %ebp
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	ljmp $KERNEL_CS64, $2f
	.code64
2:	mov rm_saved_sp, %rsp
	mov %ebp, %eax
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.code32
#else
	.globl rm_switch
rm_switch:
#endif
rm_switch32:
	push %ebx
	push %esi
	push %edi
	push %ebp
	mov %esp, rm_saved_esp
	sidt rm_saved_idt
	mov %cr0, %eax
	mov %eax, rm_saved_cr0
	ljmp $KERNEL_CS16, $(RM_TRAMP_ADDR + rm16_pm - rm_tramp_start)

rm_back32:
	mov $KERNEL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov %eax, %ss
	mov rm_saved_esp, %esp
	mov rm_saved_cr0, %eax
	mov %eax, %cr0
	lidt rm_saved_idt
	cld
	pop %ebp
	pop %edi
	pop %esi
	pop %ebx
	ret
#ifdef __x86_64__
	.code64
#endif

	/* Copied to RM_TRAMP_ADDR before use: only CS-relative or absolute low addresses. */
	.section .rodata
	.globl rm_tramp_start, rm_tramp_end
	.code16
rm_tramp_start:
rm16_pm:
	mov $KERNEL_DS16, %ax		/* 64-KiB limits, as real mode expects */
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	mov %cr0, %eax
	and $~(CR0_PE | CR0_PG), %eax
	mov %eax, %cr0
	ljmp $(RM_TRAMP_ADDR >> 4), $(rm16_real - rm_tramp_start)
rm16_real:
	xor %ax, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss
	mov $RM_STACK_TOP, %sp
	lidt RM_TRAMP_ADDR + (rm_ivt_descr - rm_tramp_start)
	mov RM_REGS_ADDR + 4, %ebx
	mov RM_REGS_ADDR + 8, %ecx
	mov RM_REGS_ADDR + 12, %edx
	mov RM_REGS_ADDR + 16, %esi
	mov RM_REGS_ADDR + 20, %edi
	mov RM_REGS_ADDR + 24, %ebp
	mov RM_REGS_ADDR + 0, %eax
	lcall $RM_CODE_SEG, $0
	mov %eax, %cs:(RM_REGS_ADDR - RM_TRAMP_ADDR + 0)
	mov %ebx, %cs:(RM_REGS_ADDR - RM_TRAMP_ADDR + 4)
	mov %ecx, %cs:(RM_REGS_ADDR - RM_TRAMP_ADDR + 8)
	mov %edx, %cs:(RM_REGS_ADDR - RM_TRAMP_ADDR + 12)
	mov %esi, %cs:(RM_REGS_ADDR - RM_TRAMP_ADDR + 16)
	mov %edi, %cs:(RM_REGS_ADDR - RM_TRAMP_ADDR + 20)
	mov %ebp, %cs:(RM_REGS_ADDR - RM_TRAMP_ADDR + 24)
	pushfl
	popl %cs:(RM_REGS_ADDR - RM_TRAMP_ADDR + 28)
	cli
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl $KERNEL_CS32, $rm_back32
rm_ivt_descr:
	.word 0x3ff
	.long 0
rm_tramp_end:
#ifdef __x86_64__
	.code64
#else
	.code32
#endif

	.data
	.balign 8
rm_saved_sp:
	.quad 0
rm_saved_esp:
	.long 0
rm_saved_cr0:
	.long 0
rm_saved_idt:
	.skip 10
