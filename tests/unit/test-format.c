// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VM's formatting (module/vm/format.c) and of the
 * text-to-number parser behind tonumber (kp_str_to_int in str.c).
 *
 * The integer conversions are checked against this libc's snprintf over
 * every combination of flags, several widths and precisions and the
 * edge values: where C defines the result, kp_fmt_ must produce it.
 * What ktap defines for itself (%p, errors, messages) is checked against
 * the text man/ktap.7 promises.
 */
#include <limits.h>
#include "tap.h"
#include "vm/format.h"
#include "vm/str.h"

static struct kp_heap heap;

static struct kp_value str_value(const char *s)
{
	return kp_strv(kp_str_new(&heap, s, strlen(s)));
}

/* What kp_fmt_format makes of fmt and args, NUL-terminated, or the error. */
static const char *format(const char *fmt, const struct kp_value *args,
			  u32 nargs)
{
	static char buf[512];
	struct kp_fmt_error err;
	struct kp_fmt_out o;

	kp_fmt_init(&o, buf, sizeof(buf) - 1);
	if (kp_fmt_format(&o, fmt, strlen(fmt), args, nargs, &err)) {
		kp_fmt_describe(&err, "printf", buf, sizeof(buf));
		return buf;
	}
	buf[o.len < sizeof(buf) ? o.len : sizeof(buf) - 1] = '\0';
	return buf;
}

static const char *format1(const char *fmt, s64 n)
{
	struct kp_value v = kp_num(n);

	return format(fmt, &v, 1);
}

/*
 * Every flag set, width and precision of d i u x X o against snprintf
 * with the same spec and "ll".  One test point per conversion.
 */
static void test_against_libc(void)
{
	static const char convs[] = "diuxXo";
	static const char flags[] = "-0+ #";
	static const char *const widths[] = { "", "1", "5", "25" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".22" };
	static const s64 values[] = {
		0, 1, -1, 7, 8, 42, -42, 255, 0x7f, 1LL << 32, -1000000,
		INT64_MAX, INT64_MIN,
	};
	char spec[32], cfmt[32], want[128];
	const char *got;
	size_t c, f, w, pr, v, n, tried, bad;

	for (c = 0; convs[c]; c++) {
		tried = bad = 0;
		for (f = 0; f < 32; f++)
		for (w = 0; w < 4; w++)
		for (pr = 0; pr < 6; pr++)
		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			n = 0;
			spec[n++] = '%';
			for (size_t i = 0; i < 5; i++)
				if (f & (1u << i))
					spec[n++] = flags[i];
			n += sprintf(spec + n, "%s%s", widths[w], precs[pr]);
			memcpy(cfmt, spec, n);
			sprintf(cfmt + n, "ll%c", convs[c]);
			sprintf(spec + n, "%c", convs[c]);
			if (convs[c] == 'd' || convs[c] == 'i')
				snprintf(want, sizeof(want), cfmt,
					 (long long)values[v]);
			else
				snprintf(want, sizeof(want), cfmt,
					 (unsigned long long)values[v]);
			got = format1(spec, values[v]);
			tried++;
			if (strcmp(got, want) && bad++ < 5)
				diag("%s of %lld: got '%s', libc '%s'", spec,
				     (long long)values[v], got, want);
		}
		ok(!bad, "%%%c: %zu combinations agree with libc (%zu differ)",
		   convs[c], tried, bad);
	}
}

static void test_strings_against_libc(void)
{
	static const char *const specs[] = {
		"%s", "%5s", "%-5s", "%.2s", "%.0s", "%8.3s", "%-8.3s", "%.10s",
		"%1s", "%c", "%5c", "%-5c",
	};
	static const char *const texts[] = { "", "a", "hello", "hello world" };
	char want[64];
	size_t s, t, bad = 0;

	for (s = 0; s < sizeof(specs) / sizeof(specs[0]); s++)
		for (t = 0; t < 4; t++) {
			struct kp_value v = str_value(texts[t]);
			const char *got;

			if (specs[s][strlen(specs[s]) - 1] == 'c') {
				v = kp_num(texts[t][0] ? texts[t][0] : 'z');
				snprintf(want, sizeof(want), specs[s], (int)v.n);
			} else {
				snprintf(want, sizeof(want), specs[s], texts[t]);
			}
			got = format(specs[s], &v, 1);
			if (strcmp(got, want) && bad++ < 5)
				diag("%s: got '%s', libc '%s'", specs[s], got, want);
		}
	ok(!bad, "%%s and %%c agree with libc (%zu differ)", bad);
}

/* What ktap defines where C does not, or differently. */
static void test_ktap_conversions(void)
{
	struct kp_value args[4];

	is_str(format1("%p", 0), "0x0", "%%p of 0 is 0x0");
	is_str(format1("%p", 0xffffffff81000000LL), "0xffffffff81000000",
	       "%%p of a kernel address: 0x and 16 hex digits, not hashed");
	is_str(format1("[%20p]", 4096), "[              0x1000]", "%%20p");
	is_str(format1("[%-8p]", 255), "[0xff    ]", "%%-8p");
	is_str(format1("[%010p]", 255), "[0x000000ff]", "%%010p zero-pads after 0x");
	is_str(format1("[%.4p]", 255), "[0x00ff]", "%%.4p sets the digits");
	is_str(format1("[%05c]", 'x'), "[    x]", "'0' does not zero-pad %%c");
	is_str(format1("%c", 256 + 'A'), "A", "%%c prints the low byte");
	is_str(format1("%u", -1), "18446744073709551615", "%%u of -1");
	is_str(format1("%x", INT64_MIN), "8000000000000000", "%%x of S64_MIN");
	is_str(format1("%d", INT64_MIN), "-9223372036854775808", "%%d of S64_MIN");
	is_str(format1("%o", -1), "1777777777777777777777", "%%o of -1");
	is_str(format1("%#o", -1), "01777777777777777777777",
	       "%%#o of -1: the longest number, KP_FMT_NUM_MAX holds it");
	args[0] = kp_nil();
	args[1] = kp_bool(true);
	args[2] = kp_bool(false);
	args[3] = kp_num(-5);
	is_str(format("%s %s %s %s", args, 4), "nil true false -5",
	       "%%s renders any value as print does");
	is_str(format("[%5s|%-6s|%.2s]", args + 1, 3), "[ true|false |-5]",
	       "%%s width and precision apply to rendered values");
	is_str(format("100%% %d%%", args + 3, 1), "100% -5%", "%%%% is a percent");
	is_str(format("%d", args + 3, 2), "-5", "extra arguments are ignored");
	is_str(format("no conversions", NULL, 0), "no conversions", "plain text");
}

/* A format may hold NUL bytes: the length, not a NUL, ends it. */
static void test_nul_bytes(void)
{
	static const char fmt[] = "a\0%c\0b";
	struct kp_value v = kp_num(0);
	struct kp_fmt_error err;
	struct kp_fmt_out o;
	char buf[16];

	kp_fmt_init(&o, buf, sizeof(buf));
	ok(kp_fmt_format(&o, fmt, sizeof(fmt) - 1, &v, 1, &err) == KP_FMT_OK &&
	   o.len == 5 && !memcmp(buf, "a\0\0\0b", 5),
	   "NUL bytes in the format and from %%c of 0 come through");
}

/*
 * Random formats from the alphabet of conversions: measuring (a sink of
 * size 0) must count exactly what writing produces, which is what lets
 * sprintf size its string in a first pass, and a small sink must hold a
 * prefix of the full text.  Under ASan this also fuzzes the parser.
 */
static void test_random_formats(void)
{
	static const char alphabet[] = "%%%%-0+ #.123diuxXocsp%qlz\0abc";
	struct kp_value args[4] = {
		kp_num(-42), kp_num(INT64_MIN), kp_nil(), kp_num(255),
	};
	static char full[1 << 16], small[8];
	char fmt[24];
	struct kp_fmt_error e1, e2, e3;
	enum kp_fmt_status s1, s2, s3;
	struct kp_fmt_out m, w, p;
	int round, bad = 0, errors = 0;
	size_t len, i;

	args[2] = str_value("text");
	srand(7);
	for (round = 0; round < 200000; round++) {
		len = rand() % sizeof(fmt);
		for (i = 0; i < len; i++)
			fmt[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
		kp_fmt_init(&m, NULL, 0);
		kp_fmt_init(&w, full, sizeof(full));
		kp_fmt_init(&p, small, sizeof(small));
		s1 = kp_fmt_format(&m, fmt, len, args, 4, &e1);
		s2 = kp_fmt_format(&w, fmt, len, args, 4, &e2);
		s3 = kp_fmt_format(&p, fmt, len, args, 4, &e3);

		errors += s1 != KP_FMT_OK;
		if (s1 != s2 || s1 != s3 || m.len != w.len || m.len != p.len ||
		    (s1 == KP_FMT_OK && w.len <= sizeof(full) &&
		     memcmp(small, full, w.len < sizeof(small) ? w.len : sizeof(small))))
			if (bad++ < 5)
				diag("'%.*s': measured %llu, wrote %llu", (int)len, fmt,
				     (unsigned long long)m.len, (unsigned long long)w.len);
	}
	ok(!bad, "200000 random formats: measuring matches writing (%d were errors)",
	   errors);
}

static void test_errors(void)
{
	struct kp_value s = str_value("x"), n = kp_num(1);

	is_str(format("%d", &s, 1), "printf: %d expects a number, got string",
	       "type error names the conversion and the function");
	is_str(format("%08x", &s, 1), "printf: %08x expects a number, got string",
	       "... as written");
	is_str(format("%c", &s, 1), "printf: %c expects a number, got string",
	       "%%c takes a number");
	is_str(format("%s %s", &s, 1), "printf: missing argument for %s",
	       "missing argument");
	is_str(format("%q", &n, 1), "printf: unknown conversion '%q'",
	       "unknown conversion");
	is_str(format("%q", NULL, 0), "printf: unknown conversion '%q'",
	       "an unknown conversion is reported before a missing argument");
	is_str(format("%ld", &n, 1),
	       "printf: unknown conversion '%l' (no length modifiers: every number is 64-bit)",
	       "a length modifier gets a hint");
	is_str(format("%5%", &n, 1), "printf: unknown conversion '%5%'",
	       "only a bare %%%% is a percent");
	is_str(format("%*d", &n, 1), "printf: unknown conversion '%*'",
	       "no * widths");
	is_str(format("abc %", &n, 1),
	       "printf: incomplete conversion '%' at the end of the format",
	       "trailing %%");
	is_str(format("%-5.", &n, 1),
	       "printf: incomplete conversion '%-5.' at the end of the format",
	       "trailing flags, width and dot");
	is_str(format("%2147483648d", &n, 1),
	       "printf: width or precision above 2147483647 in '%2147483648d'",
	       "width above INT_MAX");
	is_str(format("%.99999999999999999999999s", &s, 1),
	       "printf: width or precision above 2147483647 in '%.99999999999999999999999s'",
	       "precision with more digits than fit 64 bits");
	is_str(format("%\x01", &n, 1), "printf: unknown conversion '%\\x01'",
	       "a non-printable conversion byte is shown as \\xHH");
	is_str(format("%----------------------------------------------d", &s, 1),
	       "printf: %" "-----------------------------------" "... expects a number, got string",
	       "a spec too long for the message is cut");
}

/* The sink counts past its end, writes only what fits, pads by count. */
static void test_sink(void)
{
	struct kp_fmt_spec spec = { .conv = 'd', .width = 10, .prec = -1 };
	char buf[4] = "....";
	struct kp_fmt_out o;

	kp_fmt_init(&o, buf, 3);
	kp_fmt_int(&o, &spec, 42);
	ok(o.len == 10 && !memcmp(buf, "   .", 4),
	   "a full sink keeps counting and writes nothing past its size");
	kp_fmt_init(&o, NULL, 0);
	spec.width = KP_FMT_MAX_WIDTH;
	kp_fmt_int(&o, &spec, 42);
	is_int(o.len, KP_FMT_MAX_WIDTH, "measuring the widest number costs nothing");
	spec.prec = KP_FMT_MAX_WIDTH;
	kp_fmt_init(&o, NULL, 0);
	kp_fmt_int(&o, &spec, -42);
	is_int(o.len, KP_FMT_MAX_WIDTH + 1LL, "the widest precision and a sign");
}

static void test_decimal(void)
{
	char buf[KP_FMT_NUM_MAX + 1];
	u32 n;

	n = kp_fmt_decimal(buf, INT64_MIN);
	buf[n] = '\0';
	is_str(buf, "-9223372036854775808", "decimal S64_MIN");
	n = kp_fmt_decimal(buf, INT64_MAX);
	buf[n] = '\0';
	is_str(buf, "9223372036854775807", "decimal S64_MAX");
	n = kp_fmt_decimal(buf, 0);
	buf[n] = '\0';
	is_str(buf, "0", "decimal 0");
}

/* kp_str_to_int(s, base) is want, or (valid false) not a number. */
static void check_to_int(const char *s, u32 base, bool valid, s64 want)
{
	s64 got = 12345;
	bool r = kp_str_to_int(s, strlen(s), base, &got);
	char shown[128];
	size_t i, n = 0;

	/* Keep the TAP line one line: show control characters as escapes. */
	for (i = 0; s[i] && n < sizeof(shown) - 3; i++)
		n += (unsigned char)s[i] < ' ' ?
		     (size_t)sprintf(shown + n, "\\%o", s[i]) :
		     (size_t)sprintf(shown + n, "%c", s[i]);
	shown[n] = '\0';
	ok(r == valid && (!valid || got == want), "tonumber('%s', %u) is %s%lld",
	   shown, base, valid ? "" : "nil, not ", (long long)want);
	if (r != valid || (valid && got != want))
		diag("returned %d, value %lld", r, (long long)got);
}

static void test_to_int(void)
{
	check_to_int("42", 0, true, 42);
	check_to_int("  -42\t\n", 0, true, -42);
	check_to_int("+7", 0, true, 7);
	check_to_int("0644", 0, true, 644);
	check_to_int("0x1F", 0, true, 31);
	check_to_int("-0x10", 0, true, -16);
	check_to_int("9223372036854775807", 0, true, INT64_MAX);
	check_to_int("-9223372036854775808", 0, true, INT64_MIN);
	check_to_int("18446744073709551615", 0, true, -1);
	check_to_int("18446744073709551616", 0, false, 0);
	check_to_int("0xffffffffffffffff", 0, true, -1);
	check_to_int("0x10000000000000000", 0, false, 0);
	check_to_int("", 0, false, 0);
	check_to_int("   ", 0, false, 0);
	check_to_int("-", 0, false, 0);
	check_to_int("0x", 0, false, 0);
	check_to_int("1 2", 0, false, 0);
	check_to_int("12abc", 0, false, 0);
	check_to_int("1.5", 0, false, 0);
	check_to_int("ff", 16, true, 255);
	check_to_int("0xff", 16, true, 255);
	check_to_int("0xff", 10, false, 0);
	check_to_int("FFFFFFFF81000000", 16, true, (s64)0xffffffff81000000ULL);
	check_to_int("777", 8, true, 511);
	check_to_int("8", 8, false, 0);
	check_to_int("-101", 2, true, -5);
	check_to_int("zz", 36, true, 35 * 36 + 35);
	check_to_int("1111111111111111111111111111111111111111111111111111111111111111",
		     2, true, -1);
	check_to_int("11111111111111111111111111111111111111111111111111111111111111111",
		     2, false, 0);
}

int main(void)
{
	kp_heap_init(&heap, 1 << 20);
	test_against_libc();
	test_strings_against_libc();
	test_ktap_conversions();
	test_nul_bytes();
	test_errors();
	test_random_formats();
	test_sink();
	test_decimal();
	test_to_int();
	kp_heap_destroy(&heap);
	return done();
}
