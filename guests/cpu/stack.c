// SPDX-License-Identifier: MIT
/* Stack instructions: PUSH/POP forms and sizes, PUSH RSP, POP to RSP-based memory, ENTER/LEAVE with nesting, RET imm16, far RET and far JMP (SDM Vol. 1, 6.2 "Stacks"; Vol. 2 "ENTER", "POP", "RET"). */
#include "insn.h"

static void test_push_pop(void)
{
	unsigned long v, before, after;

	asm volatile("pushq $-2; popq %0" : "=r"(v));
	report(v == 0xfffffffffffffffe, "push imm8 sign-extends to 64 bits: %#lx", v);
	asm volatile("mov %%rsp, %1; pushw $0x1234; mov %%rsp, %2; popw %w0"
		     : "=r"(v), "=&r"(before), "=&r"(after) : "0"(0ul));
	report(before - after == 2 && v == 0x1234, "pushw moves RSP by 2");
	asm volatile("mov %%rsp, %1; push %%rsp; pop %0" : "=r"(v), "=&r"(before));
	report(v == before, "push rsp pushes the value before the push");
	/* POP m with RSP as base: the address is computed after RSP is incremented. */
	asm volatile("pushq $0x1111; pushq $0x2222; popq (%%rsp); popq %0" : "=r"(v) : : "memory");
	report(v == 0x2222, "pop (%%rsp) stores into the slot above: %#lx", v);
	asm volatile("mov %%rsp, %1; push %%fs; mov %%rsp, %2; pop %%fs"
		     : "=r"(v), "=&r"(before), "=&r"(after));
	report(before - after == 8, "push fs uses 8 bytes in 64-bit mode");
}

static void test_enter_leave(void)
{
	unsigned long rbp_in, rbp_new, rsp_new, rsp_before, slot1, slot2, rsp_after;

	asm volatile("push %%rbp\n\t"
		     "mov %%rsp, %[before]\n\t"
		     "mov $0x5a5a, %%rbp\n\t"
		     "enter $16, $0\n\t"
		     "mov %%rbp, %[rbp_new]\n\t"
		     "mov %%rsp, %[rsp_new]\n\t"
		     "mov (%%rbp), %[slot1]\n\t"
		     "leave\n\t"
		     "mov %%rbp, %[rbp_in]\n\t"
		     "mov %%rsp, %[after]\n\t"
		     "pop %%rbp"
		     : [before] "=&r"(rsp_before), [rbp_new] "=&r"(rbp_new), [rsp_new] "=&r"(rsp_new),
		       [slot1] "=&r"(slot1), [rbp_in] "=&r"(rbp_in), [after] "=&r"(rsp_after)
		     : : "rbp", "memory");
	report(rbp_new == rsp_before - 8 && rsp_new == rsp_before - 24 && slot1 == 0x5a5a,
	       "enter 16,0: pushes RBP, RBP = frame, RSP = frame - 16");
	report(rbp_in == 0x5a5a && rsp_after == rsp_before, "leave restores RBP and RSP");

	/* Level 2: copies one enclosing frame pointer from [RBP-8], then pushes the new frame. */
	asm volatile("push %%rbp\n\t"
		     "mov %%rsp, %[before]\n\t"
		     "sub $64, %%rsp\n\t"
		     "lea 32(%%rsp), %%rbp\n\t"
		     "movq $0x7777, -8(%%rbp)\n\t"
		     "mov %%rbp, %[rbp_in]\n\t"
		     "enter $8, $2\n\t"
		     "mov %%rbp, %[rbp_new]\n\t"
		     "mov %%rsp, %[rsp_new]\n\t"
		     "mov -8(%%rbp), %[slot1]\n\t"
		     "mov -16(%%rbp), %[slot2]\n\t"
		     "leave\n\t"
		     "mov %[before], %%rsp\n\t"
		     "pop %%rbp"
		     : [before] "=&r"(rsp_before), [rbp_in] "=&r"(rbp_in), [rbp_new] "=&r"(rbp_new),
		       [rsp_new] "=&r"(rsp_new), [slot1] "=&r"(slot1), [slot2] "=&r"(slot2)
		     : : "rbp", "memory");
	report(slot1 == 0x7777 && slot2 == rbp_new && rsp_new == rbp_new - 16 - 8,
	       "enter 8,2: copies the outer frame pointer and pushes the new one");
	(void)rbp_in;
}

static void test_ret_far(void)
{
	unsigned long before, after, cs = 0;

	asm volatile("mov %%rsp, %0\n\t"
		     "pushq $0xdead\n\t" /* an argument the callee's RET imm16 releases */
		     "call 1f\n\t"
		     "jmp 2f\n"
		     "1: ret $8\n"
		     "2: mov %%rsp, %1"
		     : "=&r"(before), "=r"(after) : : "memory");
	report(after == before, "ret imm16 releases the extra bytes (RSP %ld)", (long)(after - before));

	asm volatile("pushq %[sel]\n\t"
		     "pushq $1f\n\t"
		     "lretq\n"
		     "1: mov %%cs, %k0"
		     : "=r"(cs) : [sel] "i"(KERNEL_CS64) : "memory");
	report(cs == KERNEL_CS64, "far RET (lretq) to the same privilege level: CS %#lx", cs);

	static struct {
		uint32_t off;
		uint16_t sel;
	} __attribute__((packed)) ptr = { 0, KERNEL_CS64 };
	extern char far_target[];
	ptr.off = (uintptr_t)far_target;
	asm volatile("xor %k0, %k0\n\t"
		     "ljmpl *%1\n\t"
		     "ud2\n"
		     "far_target: mov $1, %k0"
		     : "=&r"(cs) : "m"(ptr) : "memory");
	report(cs == 1, "far JMP through m16:32 lands at the target");
}

int main(void)
{
	test_push_pop();
	test_enter_leave();
	test_ret_far();
	return report_summary();
}
