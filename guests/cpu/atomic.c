// SPDX-License-Identifier: MIT
/* CMPXCHG, XADD, XCHG, CMPXCHG8B/16B and the LOCK prefix (SDM Vol. 2A "CMPXCHG", "CMPXCHG8B/CMPXCHG16B", Vol. 2B "XADD"; Vol. 3A 9.1.2.2 "Software Controlled Bus Locking"). */
#include "insn.h"

static void test_cmpxchg(void)
{
	uint64_t mem = 0x1111, rax = 0x1111;
	uint32_t m32 = 0xaaaa5555;
	uint8_t m8 = 0x80;
	unsigned long f;

	asm volatile("lock cmpxchgq %3, %1; pushf; pop %2" : "+a"(rax), "+m"(mem), "=r"(f) : "r"(0x2222ul) : "cc", "memory");
	report(mem == 0x2222 && rax == 0x1111 && (f & ZF), "cmpxchg64 equal: stores source, ZF=1");
	rax = 0x3333;
	asm volatile("lock cmpxchgq %3, %1; pushf; pop %2" : "+a"(rax), "+m"(mem), "=r"(f) : "r"(0x4444ul) : "cc", "memory");
	report(mem == 0x2222 && rax == 0x2222 && !(f & ZF), "cmpxchg64 unequal: loads RAX, ZF=0");
	rax = 0xffffffff00000000;
	asm volatile("cmpxchgl %k3, %1; pushf; pop %2" : "+a"(rax), "+m"(m32), "=r"(f) : "r"(0ul) : "cc", "memory");
	report(m32 == 0xaaaa5555 && rax == 0xaaaa5555 && !(f & ZF), "cmpxchg32 unequal: EAX loaded and zero-extended: %#lx", (unsigned long)rax);
	rax = 0x7f;
	asm volatile("cmpxchgb %b3, %1; pushf; pop %2" : "+a"(rax), "+m"(m8), "=r"(f) : "q"(0ul) : "cc", "memory");
	/* Flags as CMP AL, m8: 0x7f - 0x80 = 0xff with borrow and signed overflow. */
	report(m8 == 0x80 && (rax & 0xff) == 0x80 && (f & ARITH) == (CF | OF | SF | PF),
	       "cmpxchg8 flags as CMP: %#lx", f & ARITH);
}

static void test_xadd_xchg(void)
{
	uint64_t mem = 0xfffffffffffffffe, reg = 3;
	uint16_t m16 = 0x1234;
	unsigned long f;

	asm volatile("lock xaddq %0, %1; pushf; pop %2" : "+r"(reg), "+m"(mem), "=r"(f) : : "cc", "memory");
	report(mem == 1 && reg == 0xfffffffffffffffe && (f & (CF | ZF)) == CF, "xadd64: mem=sum, reg=old, CF from the add");
	reg = 0xffffffffffff5678;
	asm volatile("xchgw %w0, %1" : "+r"(reg), "+m"(m16) : : "memory");
	report(m16 == 0x5678 && reg == 0xffffffffffff1234, "xchg16 swaps only 16 bits");
}

static void test_cmpxchg8b_16b(void)
{
	static uint64_t m8b;
	static struct {
		uint64_t lo, hi;
	} __attribute__((aligned(16))) m16b[2];
	uint32_t a, d;
	uint64_t ra, rd;
	unsigned long f;

	m8b = 0x1111111122222222;
	a = 0x22222222;
	d = 0x11111111;
	asm volatile("lock cmpxchg8b %2; pushf; pop %3"
		     : "+a"(a), "+d"(d), "+m"(m8b), "=r"(f) : "b"(0x44444444), "c"(0x33333333) : "cc", "memory");
	report(m8b == 0x3333333344444444 && (f & ZF), "cmpxchg8b equal: stores ECX:EBX");
	asm volatile("lock cmpxchg8b %2; pushf; pop %3"
		     : "+a"(a), "+d"(d), "+m"(m8b), "=r"(f) : "b"(0), "c"(0) : "cc", "memory");
	report(m8b == 0x3333333344444444 && a == 0x44444444 && d == 0x33333333 && !(f & ZF),
	       "cmpxchg8b unequal: loads EDX:EAX");

	if (!this_cpu_has(X86_FEATURE_CX16)) {
		report_skip("CMPXCHG16B not in CPUID");
		return;
	}
	m16b[0].lo = 1;
	m16b[0].hi = 2;
	ra = 1;
	rd = 2;
	asm volatile("lock cmpxchg16b %2; pushf; pop %3"
		     : "+a"(ra), "+d"(rd), "+m"(m16b[0]), "=r"(f) : "b"(3ul), "c"(4ul) : "cc", "memory");
	report(m16b[0].lo == 3 && m16b[0].hi == 4 && (f & ZF), "cmpxchg16b equal: stores RCX:RBX");
	ra = 0;
	asm volatile("lock cmpxchg16b %2; pushf; pop %3"
		     : "+a"(ra), "+d"(rd), "+m"(m16b[0]), "=r"(f) : "b"(5ul), "c"(6ul) : "cc", "memory");
	report(ra == 3 && rd == 4 && m16b[0].lo == 3 && !(f & ZF), "cmpxchg16b unequal: loads RDX:RAX");
	/* A memory operand that is not 16-byte aligned raises #GP(0). */
	asm volatile(ASM_TRY("1f") "lock cmpxchg16b 8(%0)\n1:"
		     : : "r"(&m16b[0]), "a"(0), "d"(0), "b"(0), "c"(0) : "memory", "cc");
	report(exception_vector() == GP_VECTOR && exception_error_code() == 0,
	       "cmpxchg16b misaligned: vector %d error %#lx (want #GP(0))", exception_vector(),
	       exception_error_code());
}

/* LOCK on a register destination or a non-lockable instruction raises #UD (SDM Vol. 2A "LOCK"). */
static void test_lock_ud(void)
{
	asm volatile(ASM_TRY("1f") ".byte 0xf0; addq %%rax, %%rbx\n1:" : : : "rax", "rbx", "memory", "cc");
	report(exception_vector() == UD_VECTOR, "lock add reg, reg: #UD (vector %d)", exception_vector());
	asm volatile(ASM_TRY("1f") ".byte 0xf0; movq %%rax, (%%rsp)\n1:" : : : "memory");
	if (exception_vector() != UD_VECTOR && cpu_is_qemu_tcg())
		report_skip("lock mov: QEMU TCG ignores LOCK on MOV (no #UD)");
	else
		report(exception_vector() == UD_VECTOR, "lock mov: #UD (vector %d)", exception_vector());
	asm volatile(ASM_TRY("1f") "lock incq (%%rsp)\n decq (%%rsp)\n1:" : : : "memory", "cc");
	report(exception_vector() == -1, "lock inc mem: no exception");
}

int main(void)
{
	test_cmpxchg();
	test_xadd_xchg();
	test_cmpxchg8b_16b();
	test_lock_ud();
	return report_summary();
}
