# SPDX-License-Identifier: MIT
# Guest programs (STYLE.md 8): freestanding x86 code built with the host gcc, one ELF per
# test under build/guests/, the same for every MODE. 64-bit guests are linked as ELF64,
# then converted to ELF32 (as kvm-unit-tests does) because Multiboot loaders such as
# QEMU's accept only ELF32; their entry code runs in 32-bit mode either way.
#
# On a host that is not x86-64 (e.g. arm64) the guests need the x86-64 cross toolchain,
# Debian packages gcc-x86-64-linux-gnu and binutils-x86-64-linux-gnu.

ifeq ($(shell uname -m),x86_64)
GUEST_CROSS ?=
else
GUEST_CROSS ?= x86_64-linux-gnu-
endif
GUEST_CC := $(GUEST_CROSS)gcc
GUEST_LD := $(GUEST_CROSS)ld
GUEST_OBJCOPY := $(GUEST_CROSS)objcopy

GUEST_OUT := build/guests
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wstrict-prototypes \
	-ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin-printf \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -fno-common \
	-fno-strict-aliasing -nostdlib -mno-red-zone -mno-sse -mno-sse2 -mno-mmx -mno-3dnow \
	-mno-avx -mgeneral-regs-only -Iguests/lib
GUEST_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments --build-id=none -T guests/lib/guest.ld

GUEST_LIB_SRCS := guests/lib/entry.S guests/lib/isr.S guests/lib/modes.S guests/lib/desc.c \
	guests/lib/printf.c guests/lib/report.c guests/lib/string.c guests/lib/vm.c

# One test per file; the name of the ELF is the file's base name.
GUEST_TESTS64 := guests/demo/demo.c \
	guests/cpu/alu.c guests/cpu/shift.c guests/cpu/muldiv.c guests/cpu/bitops.c \
	guests/cpu/string.c guests/cpu/atomic.c guests/cpu/stack.c \
	guests/cpu/exceptions.c guests/cpu/modes.c guests/cpu/syscall.c guests/cpu/msr.c \
	guests/paging/paging64.c guests/bench/cpubench.c guests/apic/lapic.c
GUEST_TESTS64 += guests/cpu/x87.c
GUEST_TESTS64 += guests/cpu/sse.c
GUEST_TESTS64 += guests/platform/pic_pit.c
GUEST_TESTS64 += guests/platform/rtc.c
GUEST_TESTS64 += guests/platform/ioapic.c
GUEST_TESTS64 += guests/platform/acpi.c
GUEST_TESTS64 += guests/platform/pci.c
GUEST_TESTS32 := guests/cpu/legacy32.c

GUEST_TESTS64 := $(wildcard $(GUEST_TESTS64))
GUEST_TESTS32 := $(wildcard $(GUEST_TESTS32))
GUEST_ELFS := $(foreach t,$(GUEST_TESTS64) $(GUEST_TESTS32),$(GUEST_OUT)/$(basename $(notdir $(t))).elf)

guest_lib_objs = $(patsubst guests/lib/%,$(GUEST_OUT)/lib$(1)/%.o,$(GUEST_LIB_SRCS))
GUEST_LIB64 := $(call guest_lib_objs,64)
GUEST_LIB32 := $(call guest_lib_objs,32)
GUEST_HDRS := $(wildcard guests/lib/*.h guests/platform/*.h)

guests: $(GUEST_ELFS)

$(GUEST_OUT)/lib64/%.o: guests/lib/% $(GUEST_HDRS) guests/guests.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) -m64 $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/lib32/%.o: guests/lib/% $(GUEST_HDRS) guests/guests.mk
	@mkdir -p $(dir $@)
	$(GUEST_CC) -m32 $(GUEST_CFLAGS) -c $< -o $@

define guest64_rule
$(GUEST_OUT)/obj64/$(basename $(notdir $(1))).o: $(1) $(GUEST_HDRS) guests/guests.mk
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) -m64 $$(GUEST_CFLAGS) -c $$< -o $$@

$(GUEST_OUT)/$(basename $(notdir $(1))).elf: $(GUEST_OUT)/obj64/$(basename $(notdir $(1))).o $(GUEST_LIB64) guests/lib/guest.ld
	$$(GUEST_LD) -m elf_x86_64 $$(GUEST_LDFLAGS) -o $$@.64 $$(filter %.o,$$^)
	$$(GUEST_OBJCOPY) -O elf32-i386 $$@.64 $$@
endef

define guest32_rule
$(GUEST_OUT)/obj32/$(basename $(notdir $(1))).o: $(1) $(GUEST_HDRS) guests/guests.mk
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) -m32 $$(GUEST_CFLAGS) -c $$< -o $$@

$(GUEST_OUT)/$(basename $(notdir $(1))).elf: $(GUEST_OUT)/obj32/$(basename $(notdir $(1))).o $(GUEST_LIB32) guests/lib/guest.ld
	$$(GUEST_LD) -m elf_i386 $$(GUEST_LDFLAGS) -o $$@ $$(filter %.o,$$^)
endef

$(foreach t,$(GUEST_TESTS64),$(eval $(call guest64_rule,$(t))))
$(foreach t,$(GUEST_TESTS32),$(eval $(call guest32_rule,$(t))))

.PHONY: guests guest-check
# Run the guest tests (under QEMU with QEMU=1).
guest-check: guests
	sh tests/run-guests.sh $(NESTVM)
