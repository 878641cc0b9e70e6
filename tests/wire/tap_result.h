/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TAP for the host unit tests of the pure parsers (tests/wire, tests/map):
 * result() prints one "ok N ..." or "not ok N ...", tap_end() the plan and
 * the exit status.
 */
#ifndef TAP_RESULT_H
#define TAP_RESULT_H

#include <stdarg.h>
#include <stdio.h>

static int tests, failures;

static void __attribute__((format(printf, 2, 3))) result(int ok, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!ok)
		failures++;
	printf("%sok %d ", ok ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int tap_end(void)
{
	printf("1..%d\n", tests);
	if (failures)
		printf("# %d of %d failed\n", failures, tests);
	return failures ? 1 : 0;
}

#endif /* TAP_RESULT_H */
