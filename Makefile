# nestvm build (STYLE.md 9). `make`, `make check`, `make MODE=asan check`,
# `make MODE=ubsan check`. Outputs under build/$(MODE)/; build/nestvm is the release binary.

MODE ?= release
BUILD := build/$(MODE)
CC ?= cc

WARN := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wformat=2 -Wundef \
	-Wno-unused-parameter
ifeq ($(CI),true)
WARN += -Werror
endif

CFLAGS_release := -O2 -g -flto=auto
CFLAGS_debug := -O0 -g
CFLAGS_asan := -O1 -g -fsanitize=address -fno-omit-frame-pointer
CFLAGS_ubsan := -O1 -g -fsanitize=undefined -fno-sanitize-recover=undefined
CFLAGS := -std=gnu11 $(CFLAGS_$(MODE)) $(WARN) -Isrc -MMD -MP $(EXTRA_CFLAGS)
LDFLAGS := $(filter -fsanitize=% -flto%,$(CFLAGS_$(MODE))) $(filter -O%,$(CFLAGS_$(MODE)))
LDLIBS := -lZydis -lm

SRCS :=
SRCS += $(wildcard src/util/*.c)
SRCS += $(wildcard src/hw/*.c) $(wildcard src/hw/vmx/*.c)
SRCS += $(wildcard src/l0/*.c)
SRCS += $(wildcard src/dev/*.c)
SRCS += $(wildcard src/boot/*.c)
CLI_SRCS := $(filter-out src/cli/main.c,$(wildcard src/cli/*.c))
SRCS += $(CLI_SRCS)
MAIN_SRC := src/cli/main.c

OBJS := $(SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/%.o)

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)
UNIT_BIN := $(BUILD)/unit-tests

ifeq ($(MODE),release)
NESTVM := build/nestvm
else
NESTVM := $(BUILD)/nestvm
endif

.PHONY: all check check-run unit guests clean layering headers
all: $(NESTVM) $(UNIT_BIN) guests

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(NESTVM): $(MAIN_OBJ) $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(UNIT_BIN): $(UNIT_OBJS) $(OBJS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

unit: $(UNIT_BIN)

# Freestanding guest programs (guests/guests.mk); the same binaries serve every MODE.
include guests/guests.mk

# Layering (DESIGN.md): hw/ includes only hw/ and util/; nothing includes cli/.
layering:
	@sh tests/check-layering.sh

# Every header compiles alone.
headers:
	@for h in $$(find src -name '*.h'); do \
		echo "#include \"$${h#src/}\"" | $(CC) -std=gnu11 -Isrc -fsyntax-only -x c - || exit 1; \
	done

check: all layering headers check-run

check-run:
	@NESTVM=$(NESTVM) UNIT_BIN=$(UNIT_BIN) MODE=$(MODE) sh tests/run-tests.sh

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJS:.o=.d)
