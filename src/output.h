/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printing a session's output records (uapi/ktap.h struct ktap_record)
 * the way ktap shows them, whichever VM produced them.
 */
#ifndef KTAP_OUTPUT_H
#define KTAP_OUTPUT_H

#include <stdbool.h>
#include "uapi/ktap.h"

/*
 * Print one record's payload: output to stdout, a runtime error to stderr
 * as "error: ...", a lost-records count as a warning.  Returns true when
 * the record was a runtime error.
 */
bool kp_output_print(unsigned int type, const char *payload, unsigned int len);

#endif /* KTAP_OUTPUT_H */
