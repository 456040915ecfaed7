/* lab_truth_cmd.c — `mpcensus lab truth`: per-address truth (CSV or JSON lines, with profile, AS/country and month range) or the study's truth summaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab_ext_cmd.h"
#include "lab/lab_options.h"
#include "lab/spec.h"
#include "lab/summary.h"
#include "lab/truth_trace.h"

static void default_fields(const struct lab_truth_args *a, char *buf, size_t len)
{
    if (a->trace) {
        snprintf(buf, len, "daddr,dport,probe_version,class,hop,change,dest_hops,end_icmp,end_hop%s%s",
                 a->with_profile ? ",profile" : "", a->months_given ? ",month,month_index" : "");
        return;
    }
    snprintf(buf, len, "daddr,dport,probe_version,verdict%s%s%s", a->with_profile ? ",profile" : "",
             a->with_as ? ",asn,country" : "", a->months_given ? ",month,month_index" : "");
}

int cmd_lab_truth(int argc, char **argv)
{
    struct lab_truth_args a;
    int prc = lab_truth_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : 2;
    const struct rec_schema *schema = a.summary >= 0 ? summary_schema(a.summary)
                                      : a.trace          ? &trace_truth_schema
                                                         : &truth_schema;
    if (a.list_fields) {
        char list[1024];
        rec_list_fields(schema, list, sizeof list);
        printf("%s\n", list);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
    }
    char err[1024];
    if (a.fields && !rec_fields_valid(schema, a.fields, err, sizeof err))
        return lab_truth_usage_error(err);
    static struct lab_spec spec;
    if (!spec_load(a.spec, &spec, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab truth: %s\n", err);
        return 1;
    }
    if (a.start_given)
        spec.study_start = a.start;
    struct summary_opts o = {.v0 = a.v0, .v1 = a.v1, .asns = a.asns, .n_asns = a.n_asns, .per_asn = a.per_asn};
    o.ports = a.ports ? a.ports : spec.ports;
    o.n_ports = a.ports ? (unsigned)a.n_ports : spec.n_ports;
    if (a.months_given) {
        o.first = a.first;
        o.last = a.last;
    } else if (a.summary >= 0 && a.month < 0) {
        if (spec.study_months == 0) {
            snprintf(err, sizeof err, "--summary needs --months A-B (or a `study months=N` line in %s)", a.spec);
            return lab_truth_usage_error(err);
        }
        o.first = 0;
        o.last = spec.study_months - 1;
    } else {
        o.first = o.last = a.month < 0 ? 0 : a.month;
    }

    char deflt[160];
    default_fields(&a, deflt, sizeof deflt);
    struct rec_opts ro = {.path = a.output, .format = a.json ? REC_JSONL : REC_CSV,
                          .fields = a.fields ? a.fields : a.summary >= 0 ? NULL : deflt};
    struct rec_writer *w = rec_open(schema, &ro, err, sizeof err);
    if (!w) {
        fprintf(stderr, "mpcensus lab truth: %s\n", err);
        return 1;
    }
    bool ok = a.summary >= 0 ? summary_write(&spec, a.summary, &o, w, err, sizeof err)
              : a.trace      ? truth_trace_write_records(&spec, &o, w, err, sizeof err)
                             : truth_write_records(&spec, &o, w, err, sizeof err);
    char cerr[640];
    if (rec_close(w, cerr, sizeof cerr) < 0 && ok) {
        snprintf(err, sizeof err, "%s", cerr);
        ok = false;
    }
    if (!ok) {
        fprintf(stderr, "mpcensus lab truth: %s\n", err);
        return 1;
    }
    return 0;
}
