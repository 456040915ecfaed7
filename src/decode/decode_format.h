/* decode_format.h — renders one decoded MPTCP option as JSON (tshark field names, through io/json) or readable text (into an io/outfile). */
#ifndef DECODE_DECODE_FORMAT_H
#define DECODE_DECODE_FORMAT_H

#include "io/json.h"
#include "io/outfile.h"
#include "net/mptcp.h"

/* Appends one JSON object {"subtype":N,...} to j. Keys are tshark's short
 * names (tcp.options.mptcp.<key>); fields absent on the wire are left out. */
void mptcp_opt_json(struct json *j, const struct mptcp_opt *o);

/* Writes one option as "NAME field=value ..." without a newline. Returns 0,
 * or -1 once the output has failed. */
int mptcp_opt_write_text(struct outfile *out, const struct mptcp_opt *o);

#endif
