/* report_cmd.c — `mpcensus report`: builds the report its options (report_options.c) ask for; messages and exit status. */
#include "report/report.h"

#include <stdio.h>

#include "report/report_build.h"
#include "report/report_options.h"

int cmd_report(int argc, char **argv)
{
    struct report_opts o;
    int prc = report_parse_options(argc, argv, &o);
    if (prc >= 0)
        return prc;
    struct report_result res;
    char err[2048];
    if (report_build(&o, &res, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus report: %s\n", err);
        return 1;
    }
    if (!o.quiet) {
        fprintf(stderr,
                "mpcensus report: wrote %s/index.html: %u figures, %u tables, %u without data; latest month %s; "
                "%.2f s\n",
                o.dir, res.figures, res.tables, res.without_data, res.latest_text, res.seconds);
    }
    return 0;
}
