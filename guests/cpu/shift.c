// SPDX-License-Identifier: MIT
/* Shifts and rotates: SHL SHR SAR ROL ROR RCL RCR SHLD SHRD, count masking and flags (SDM Vol. 2B, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD"). */
#include "insn.h"

ALU2(shlb_cl, "shlb %%cl, %b[a]")
ALU2(shlq_cl, "shlq %%cl, %[a]")
ALU2(shrb_cl, "shrb %%cl, %b[a]")
ALU2(sarb_cl, "sarb %%cl, %b[a]")
ALU2(sarq_cl, "sarq %%cl, %[a]")
ALU2(shll_cl, "shll %%cl, %k[a]")
ALU2(shlq_1, "shlq $1, %[a]")
ALU2(rolb_cl, "rolb %%cl, %b[a]")
ALU2(rolw_cl, "rolw %%cl, %w[a]")
ALU2(rorq_cl, "rorq %%cl, %[a]")
ALU2(rclb_cl, "rclb %%cl, %b[a]")
ALU2(rclw_cl, "rclw %%cl, %w[a]")
ALU2(rcrb_cl, "rcrb %%cl, %b[a]")
ALU2(rcrq_1, "rcrq $1, %[a]")
ALU2(shldl_4, "shldl $4, %k[b], %k[a]")
ALU2(shldq_1, "shldq $1, %[b], %[a]")
ALU2(shrdq_8, "shrdq $8, %[b], %[a]")
ALU2(shldw_cl, "shldw %%cl, %w[b], %w[a]")
ALU2(shrdl_cl, "shrdl %%cl, %k[b], %k[a]")

#define SZP (SF | ZF | PF)
#define CO (CF | OF)

/* For SHLD/SHRD with CL the count register is also the source: b doubles as both. */
static const struct alu_case cases[] = {
	{ "shl8 0x81 by 1", shlb_cl, 0x81, 1, 0, 0x02, CF | OF, CO | SZP },
	{ "shl64 by 4", shlq_cl, 0x0123456789abcdef, 4, 0, 0x123456789abcdef0, PF, CF | SZP },
	{ "shl8 by 9: count < 32 but > width", shlb_cl, 0xff, 9, 0, 0, ZF | PF, SZP },
	{ "shl64 by 64 masks to 0: flags kept", shlq_cl, 0x1234, 64, CF | ZF, 0x1234, CF | ZF, ARITH },
	{ "shl32 by 33 masks to 1", shll_cl, 0x80000001, 33, 0, 2, CF | OF, CO | SZP },
	{ "shl64 by 1 imm, sign change", shlq_1, 0x4000000000000000, 0, 0, 0x8000000000000000, OF | SF | PF, CO | SZP },
	{ "shr8 0x81 by 1: OF = old MSB", shrb_cl, 0x81, 1, 0, 0x40, CF | OF, CO | SZP },
	{ "sar8 0x81 by 1", sarb_cl, 0x81, 1, 0, 0xc0, CF | SF | PF, CO | SZP },
	{ "sar64 by 63", sarq_cl, 0x8000000000000000, 63, 0, ~0ul, SF | PF, CF | SZP },
	{ "rol8 0x81 by 1 keeps ZF", rolb_cl, 0x81, 1, ZF, 0x03, CF | OF | ZF, CO | SZP },
	{ "rol16 by 16: no rotation, CF = LSB", rolw_cl, 0x8001, 16, 0, 0x8001, CF, CF },
	{ "ror64 1 by 1", rorq_cl, 1, 1, 0, 0x8000000000000000, CF | OF, CO },
	{ "rcl8 0x80 by 1, CF=1", rclb_cl, 0x80, 1, CF, 0x01, CF | OF, CO },
	{ "rcl8 0x01 by 8 through CF (9-bit rotate)", rclb_cl, 0x01, 8, CF, 0x80, CF, CF },
	{ "rcl16 by 17: modulo 17 is no rotation", rclw_cl, 0x8001, 17, 0, 0x8001, 0, CF },
	{ "rcr8 0x01 by 1, CF=0", rcrb_cl, 0x01, 1, 0, 0x00, CF, CO },
	{ "rcr64 0 by 1, CF=1", rcrq_1, 0, 0, CF, 0x8000000000000000, OF, CO },
	{ "shld32 by 4", shldl_4, 0x12345678, 0xf0000000, 0, 0x2345678f, CF, CF | SZP },
	{ "shld64 by 1, sign change", shldq_1, 0x4000000000000000, 0x8000000000000000, 0, 0x8000000000000001, OF | SF, CO | SZP },
	{ "shrd64 by 8", shrdq_8, 0x1122334455667788, 0xab, 0, 0xab11223344556677, CF | SF | PF, CF | SZP },
	{ "shld16 by CL=4 (CL is also the source)", shldw_cl, 0x1234, 0x0004, 0, 0x2340, CF, CF | SZP },
	{ "shrd32 by CL=0: nothing changes", shrdl_cl, 0x89abcdef, 0, CF | OF, 0x89abcdef, CF | OF, ARITH },
};

int main(void)
{
	run_alu_cases(cases, ARRAY_SIZE(cases));
	return report_summary();
}
