/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Minimal TAP output: one `ok N name` per test, diagnostics as `# ...`. */
#ifndef DMUX_TAP_H
#define DMUX_TAP_H

#include <stdio.h>
#include <stdarg.h>

static int tap_n, tap_failed, tap_case_bad;
static const char *tap_case_skip;	/* set: the case ends as # SKIP */

static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

/* Inside a case: record a failed expectation, keep going. */
#define EXPECT(cond, ...) do {						\
	if (!(cond)) {							\
		tap_case_bad = 1;					\
		tap_diag("%s:%d: %s", __FILE__, __LINE__, #cond);	\
		tap_diag(__VA_ARGS__);					\
	}								\
} while (0)

#define EXPECT_EQ(a, b) EXPECT((unsigned long long)(a) == (unsigned long long)(b), \
			       "%s = %llu, want %llu", #a,		\
			       (unsigned long long)(a), (unsigned long long)(b))

static inline void tap_begin(void) { tap_case_bad = 0; tap_case_skip = NULL; }

static inline int tap_end(const char *name)
{
	int ok = !tap_case_bad;

	if (ok && tap_case_skip) {
		printf("ok %d %s # SKIP %s\n", ++tap_n, name, tap_case_skip);
		fflush(stdout);
		return 1;
	}
	printf("%sok %d %s\n", ok ? "" : "not ", ++tap_n, name);
	fflush(stdout);
	if (!ok)
		tap_failed++;
	return ok;
}

static inline void tap_skip(const char *name, const char *why)
{
	printf("ok %d %s # SKIP %s\n", ++tap_n, name, why);
	fflush(stdout);
}

#endif
