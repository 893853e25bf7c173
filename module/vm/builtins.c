// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in functions.  Each takes the VM, its arguments and a slot for
 * its result; a table generated from KTAP_BUILTINS maps ids to them.
 */
#include "builtins.h"
#include "str.h"
#include "../uapi/ktap.h"

typedef int (*kp_builtin_fn)(struct kp_vm *vm, const struct kp_proto *p,
			     const u32 *pc, struct kp_value *ret,
			     const struct kp_value *args, u32 nargs);

/*
 * print(...): the values as text separated by tabs, then a newline, as
 * one output record.  A line longer than a record is cut, and says so,
 * rather than being split where other output could come between.
 */
static int kp_bif_PRINT(struct kp_vm *vm,
			const struct kp_proto *p __maybe_unused,
			const u32 *pc __maybe_unused, struct kp_value *ret,
			const struct kp_value *args, u32 nargs)
{
	static const char cut[] = "...\n";
	char *line = vm->line_buf;
	size_t pos = 0, size = KTAP_RECORD_MAX - (sizeof(cut) - 1);
	bool fits = true;
	u32 i;

	for (i = 0; i < nargs && fits; i++) {
		if (i) {
			fits = pos + 1 < size;
			if (!fits)
				break;
			line[pos++] = '\t';
		}
		fits = kp_str_format(&args[i], line, size, &pos);
	}
	if (fits) {
		line[pos++] = '\n';
	} else {
		memcpy(line + pos, cut, sizeof(cut) - 1);
		pos += sizeof(cut) - 1;
	}
	*ret = kp_nil();
	return vm->host.emit(vm->host.ctx, KTAP_REC_OUTPUT, line, pos);
}

/* Indexed by built-in id: the include file lists them in that order. */
static const kp_builtin_fn kp_builtins[KTAP_BIF__COUNT] = {
#define KTAP_BUILTIN(id, name, min_args, max_args) (kp_bif_##id),
#include "../uapi/ktap_builtins.h"
};

int kp_builtin_call(struct kp_vm *vm, const struct kp_proto *p,
		    const u32 *pc, u32 id, struct kp_value *ret,
		    const struct kp_value *args, u32 nargs)
{
	return kp_builtins[id](vm, p, pc, ret, args, nargs);
}
