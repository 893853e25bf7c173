// SPDX-License-Identifier: GPL-2.0
/*
 * dwarf-fixture - a test-only program built with -g -O2 whose functions
 * have parameters of every kind ktap's DWARF reader (src/dwarf.c) must
 * tell apart: integers of each width and sign, pointers, a bool, an
 * enum, a double, a struct by value, a parameter on the stack and one
 * the optimizer removed.  host/dwarf.test lists them with ktap -L.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define noinline __attribute__((noinline))

struct fx_pair {
	long first, second;
};

enum fx_color { FX_RED = -1, FX_GREEN = 1 };

noinline int fx_ints(int neg, unsigned char small, long big, const char *word,
		     bool flag, enum fx_color color)
{
	return neg + small + (int)big + word[0] + flag + color;
}

noinline double fx_float(double ratio, int count)
{
	return ratio * count;
}

noinline long fx_pair(struct fx_pair pair, long after)
{
	return pair.first + pair.second + after;
}

noinline long fx_many(long a1, long a2, long a3, long a4, long a5, long a6,
		      long seventh)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + seventh;
}

/* Local, with a parameter it never reads: -O2 drops it (IPA-SRA). */
static noinline int fx_unused(int used, int unused)
{
	(void)unused;
	return used * 3;
}

noinline void fx_void(const char **words)
{
	puts(words[0]);
}

int main(int argc, char **argv)
{
	struct fx_pair pair = { argc, argc + 1 };
	long n = argc;

	fx_void((const char **)argv);
	return (int)(fx_ints(-argc, (unsigned char)argc, n << 32, argv[0],
			     argc > 1, argc > 2 ? FX_GREEN : FX_RED) +
		     (long)fx_float(argc / 2.0, argc) + fx_pair(pair, n) +
		     fx_many(n, n, n, n, n, n, n) + fx_unused(argc, argc * 2)) & 1;
}
