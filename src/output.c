// SPDX-License-Identifier: GPL-2.0
/*
 * How ktap prints what a script emitted, shared by the kernel session
 * (src/session.c) and the user-space test VM (tests/tools/uvm-session.c)
 * so both show exactly the same thing.
 */
#include <stdio.h>
#include <string.h>
#include "output.h"

bool kp_output_print(unsigned int type, const char *payload, unsigned int len)
{
	unsigned long long lost;

	switch (type) {
	case KTAP_REC_OUTPUT:
		fwrite(payload, 1, len, stdout);
		return false;
	case KTAP_REC_ERROR:
		fflush(stdout);
		fprintf(stderr, "error: %.*s\n", (int)len, payload);
		return true;
	case KTAP_REC_LOST:
		memcpy(&lost, payload, sizeof(lost));
		fflush(stdout);
		fprintf(stderr, "ktap: %llu records lost (output came faster than it was read)\n",
			lost);
		return false;
	case KTAP_REC_DROPPED:
		memcpy(&lost, payload, sizeof(lost));
		fflush(stdout);
		fprintf(stderr, "ktap: %llu event hits dropped (the session's VM was busy, or NMI context)\n",
			lost);
		return false;
	default:
		fprintf(stderr, "ktap: ignoring output record of unknown type %u\n",
			type);
		return false;
	}
}
