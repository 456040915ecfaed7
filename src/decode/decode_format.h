/* decode_format.h — renders one decoded MPTCP option as JSON (tshark field names) or readable text. */
#ifndef DECODE_DECODE_FORMAT_H
#define DECODE_DECODE_FORMAT_H

#include <stdio.h>

#include "net/mptcp.h"

/* Writes one JSON object: {"subtype":N,...}. Keys are tshark's short names
 * (tcp.options.mptcp.<key>); fields absent on the wire are left out.
 * Returns 0, or -1 if the stream reported an error. */
int mptcp_opt_write_json(FILE *out, const struct mptcp_opt *o);

/* Writes one option as "NAME field=value ..." without a newline. */
int mptcp_opt_write_text(FILE *out, const struct mptcp_opt *o);

#endif
