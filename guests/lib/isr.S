/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs for vectors 0-31 and the CPL3 helpers: each stub pushes a zero
 * error code when the CPU pushes none (SDM Vol. 3A, 6.13 "Error Code", Table 6-1), then
 * the vector, and calls do_exception(), which may change the saved RIP.
 */
#include "asm.h"

/* Vectors for which the processor pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
.macro STUB vec
	.balign 16
isr_\vec:
	.if !HAS_ERR(\vec)
	push $0
	.endif
	push $\vec
	jmp isr_common
	.pushsection .rodata
#ifdef __x86_64__
	.quad isr_\vec
#else
	.long isr_\vec
#endif
	.popsection
.endm

	.pushsection .rodata
	.balign 8
	.globl isr_table
isr_table:
	.popsection
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	STUB \v
	.endr

#ifdef __x86_64__
isr_common:
	push %r15
	push %r14
	push %r13
	push %r12
	push %r11
	push %r10
	push %r9
	push %r8
	push %rbp
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %rbx
	push %rax
	mov %rsp, %rdi
	cld
	call do_exception
	pop %rax
	pop %rbx
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
	pop %rbp
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	add $16, %rsp
	iretq

	/* unsigned long run_in_user(fn, arg): IRET to CPL3 (SDM Vol. 3A, 6.14.1 "64-Bit Mode IDT"). */
	.globl run_in_user
run_in_user:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, user_saved_sp
	mov %rsp, tss + 4		/* TSS.RSP0: CPL3 -> CPL0 events land below us */
	mov %rdi, %rax
	mov %rsi, %rdi
	pushq $(USER_DS | 3)
	pushq $user_stack_top
	pushfq
	pushq $(USER_CS64 | 3)
	pushq $1f
	iretq
1:	call *%rax
	int $0x7f

	.globl ret_to_kernel
ret_to_kernel:
	mov user_saved_sp, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

	/* uint32_t compat_call(fn, arg): far return into a 32-bit code segment, L=0 (SDM Vol. 3A, 5.2.1). */
	.globl compat_call
compat_call:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, compat_saved_sp
	mov %esi, %eax
	mov %rdi, %rbx
	pushq $KERNEL_CS32
	pushq $1f
	lretq
	.code32
1:	call *%ebx
	ljmp $KERNEL_CS64, $2f
	.code64
2:	mov compat_saved_sp, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
#else
isr_common:
	pusha
	push %ds
	push %es
	mov $KERNEL_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	lea 8(%esp), %eax
	push %eax
	cld
	call do_exception
	add $4, %esp
	pop %es
	pop %ds
	popa
	add $8, %esp
	iret

	.globl run_in_user
run_in_user:
	push %ebx
	push %ebp
	push %esi
	push %edi
	mov 20(%esp), %eax
	mov 24(%esp), %edx
	mov %esp, user_saved_sp
	mov %esp, tss + 4		/* TSS.ESP0 */
	movl $KERNEL_DS, tss + 8	/* TSS.SS0 */
	mov $(USER_DS | 3), %ecx
	mov %ecx, %ds
	mov %ecx, %es
	mov %ecx, %fs
	mov %ecx, %gs
	push $(USER_DS | 3)
	push $user_stack_top
	pushf
	push $(USER_CS32 | 3)
	push $1f
	iret
1:	push %edx
	call *%eax
	add $4, %esp
	int $0x7f

	.globl ret_to_kernel
ret_to_kernel:
	mov $KERNEL_DS, %ecx
	mov %ecx, %ds
	mov %ecx, %es
	mov %ecx, %fs
	mov %ecx, %gs
	mov user_saved_sp, %esp
	pop %edi
	pop %esi
	pop %ebp
	pop %ebx
	ret
#endif

	.data
	.balign 8
user_saved_sp:
	.quad 0
compat_saved_sp:
	.quad 0

	.bss
	.balign 4096
user_stack:
	.skip 8192
user_stack_top:
