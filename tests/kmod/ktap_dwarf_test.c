// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_dwarf_test - a test-only module: each write to the debugfs file
 * ktap_dwarf_test calls ktap_dwarf_test_fn() with parameters derived
 * from the written text, so a kprobe's $name can be checked against
 * known values: a negative int, an unsigned char, a 64-bit long, a
 * string, a struct passed by value and a parameter passed on the stack.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/uaccess.h>

struct ktap_dwarf_pair {
	long first, second;
};

static struct dentry *ktap_dwarf_file;

/*
 * The probed function.  It is called through a volatile pointer, so the
 * compiler can neither inline it nor rewrite its parameters (an .isra
 * clone would be a different function).
 */
noinline long ktap_dwarf_test_fn(int neg, unsigned char small, long big,
				 const char *word,
				 struct ktap_dwarf_pair pair, long on_stack)
{
	return neg + small + big + pair.first + pair.second + on_stack +
		word[0];
}

static long (*volatile ktap_dwarf_call)(int, unsigned char, long,
					const char *, struct ktap_dwarf_pair,
					long) = ktap_dwarf_test_fn;

/* "hello": neg -5, small 250, big 2^32 + 5, word "hello", pair {1, 2}. */
static ssize_t ktap_dwarf_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct ktap_dwarf_pair pair = { 1, 2 };
	char word[32];
	size_t n = min(count, sizeof(word) - 1);

	if (copy_from_user(word, buf, n))
		return -EFAULT;
	word[n] = '\0';
	ktap_dwarf_call(-(int)n, (unsigned char)(255 - n), (1L << 32) + n,
			word, pair, 7);
	return count;
}

static const struct file_operations ktap_dwarf_fops = {
	.owner = THIS_MODULE,
	.write = ktap_dwarf_write,
};

static int __init ktap_dwarf_init(void)
{
	ktap_dwarf_file = debugfs_create_file("ktap_dwarf_test", 0200, NULL,
					      NULL, &ktap_dwarf_fops);
	return 0;
}

static void __exit ktap_dwarf_exit(void)
{
	debugfs_remove(ktap_dwarf_file);
}

module_init(ktap_dwarf_init);
module_exit(ktap_dwarf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktap test: a function with known parameters for $name");
