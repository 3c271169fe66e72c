/* SPDX-License-Identifier: MIT */
/* placeholder */
#include "hw/softfloat80.h"

#include "hw/softfloat80_int.h"

struct f80 sf80_sin(struct sf80_ctx *c, struct f80 a, bool *out_of_range) { *out_of_range = false; c->flags |= SF80_IE; return f80_indefinite(); }
struct f80 sf80_cos(struct sf80_ctx *c, struct f80 a, bool *out_of_range) { *out_of_range = false; c->flags |= SF80_IE; return f80_indefinite(); }
void sf80_sincos(struct sf80_ctx *c, struct f80 a, struct f80 *s, struct f80 *co, bool *out_of_range) { *out_of_range = false; *s = *co = f80_indefinite(); }
struct f80 sf80_tan(struct sf80_ctx *c, struct f80 a, bool *out_of_range) { *out_of_range = false; return f80_indefinite(); }
struct f80 sf80_atan2(struct sf80_ctx *c, struct f80 y, struct f80 x) { return f80_indefinite(); }
struct f80 sf80_f2xm1(struct sf80_ctx *c, struct f80 a) { return f80_indefinite(); }
struct f80 sf80_yl2x(struct sf80_ctx *c, struct f80 y, struct f80 x) { return f80_indefinite(); }
struct f80 sf80_yl2xp1(struct sf80_ctx *c, struct f80 y, struct f80 x) { return f80_indefinite(); }
