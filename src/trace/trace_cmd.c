/* trace_cmd.c — `mpcensus trace`: target loading, source addresses, sockets, output, and the run of the options trace_options.c parsed. */
#include "trace/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "io/afpacket.h"
#include "io/route.h"
#include "net/mptcp.h"
#include "trace/trace_config.h"
#include "trace/trace_options.h"
#include "trace/trace_engine.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    if (g_stop < 2)
        g_stop++;
}

/* ------------------------------------------------------------ sources */

struct sources {
    struct trace_enc *enc;
    bool raw;
    bool tried4, tried6;
    char why4[160], why6[160];
};

static bool family_ok(void *user, const struct ip_addr *a)
{
    struct sources *s = user;
    bool v6 = a->family == AF_INET6;
    if (v6 ? s->enc->have6 : s->enc->have4)
        return true;
    if (!s->raw || (v6 ? s->tried6 : s->tried4))
        return false;
    /* the kernel's choice for the first target of this family serves them all */
    struct route_info ri;
    char err[160];
    if (v6)
        s->tried6 = true;
    else
        s->tried4 = true;
    if (route_lookup(a, &ri, err, sizeof err) != 0 || ri.src.family != a->family) {
        snprintf(v6 ? s->why6 : s->why4, sizeof s->why4, "%s", err[0] ? err : "no source address");
        return false;
    }
    if (v6) {
        s->enc->src6 = ri.src;
        s->enc->have6 = true;
    } else {
        s->enc->src4 = ri.src;
        s->enc->have4 = true;
    }
    return true;
}

static int set_sources(struct trace_enc *enc, const struct addr_ranges *ar)
{
    for (size_t i = 0; i < ar->n; i++) {
        const struct ip_addr *a = &ar->r[i].lo;
        if (!ip_addr_equal(&ar->r[i].lo, &ar->r[i].hi)) {
            fprintf(stderr, "mpcensus trace: -S takes single addresses, not ranges\n");
            return -1;
        }
        bool v6 = a->family == AF_INET6;
        if (v6 ? enc->have6 : enc->have4) {
            fprintf(stderr, "mpcensus trace: -S: two IPv%d source addresses\n", v6 ? 6 : 4);
            return -1;
        }
        if (v6) {
            enc->src6 = *a;
            enc->have6 = true;
        } else {
            enc->src4 = *a;
            enc->have4 = true;
        }
    }
    return 0;
}


/* ------------------------------------------------------------ main */

static void report_load(const struct tt_load *l, const struct sources *s)
{
    if (l->bad_rows)
        fprintf(stderr, "mpcensus trace: skipped %llu bad input rows (first: %s)\n", l->bad_rows, l->first_bad);
    if (l->no_source) {
        const char *why = s->why6[0] ? s->why6 : s->why4[0] ? s->why4 : "give it with -S";
        fprintf(stderr, "mpcensus trace: skipped %llu targets of a family without a source address (first: %s; %s)\n",
                l->no_source, l->first_no_source, why);
    }
    if (l->filtered)
        fprintf(stderr, "mpcensus trace: %llu input rows left out by --verdict\n", l->filtered);
}

static int list_output_fields(void)
{
    for (unsigned i = 0; i < trace_schema.n_fields; i++)
        printf("%-14s %s\n", trace_schema.fields[i].name, trace_schema.fields[i].help);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mpcensus trace: standard output: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int cmd_trace(int argc, char **argv)
{
    struct trace_config cfg;
    int prc = trace_parse(argc, argv, &cfg);
    if (prc) {
        trace_config_free(&cfg);
        return prc == 1 ? 0 : 2;
    }
    if (cfg.list_fields) {
        trace_config_free(&cfg);
        return list_output_fields();
    }
    char ferr[256];
    if (cfg.fields && !rec_fields_valid(&trace_schema, cfg.fields, ferr, sizeof ferr)) {
        fprintf(stderr, "mpcensus trace: --output-fields: %s\n(see 'mpcensus trace --help')\n", ferr);
        trace_config_free(&cfg);
        return 2;
    }
    uint16_t default_port = 80;
    const uint16_t *ports = cfg.ports.n ? cfg.ports.ports : &default_port;
    size_t n_ports = cfg.ports.n ? cfg.ports.n : 1;

    int status = 1;
    char err[512];
    struct target_table targets;
    tt_init(&targets);
    struct trace_run *run = calloc(1, sizeof *run);
    struct rec_writer *out = NULL;
    if (!run) {
        fprintf(stderr, "mpcensus trace: out of memory\n");
        goto done;
    }
    struct trace_enc *enc = &run->enc;
    enc->probe = cfg.probe;
    enc->pcfg = cfg.pcfg;
    enc->ether = cfg.iface != NULL;
    if (set_sources(enc, &cfg.sources) != 0) {
        status = 2;
        goto done;
    }
    if (cfg.iface && afp_if_mac(cfg.iface, enc->pcfg.src_mac, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        goto done;
    }

    /* with -S the given families are all there is; without, the kernel picks per family */
    struct sources src = {.enc = enc, .raw = !cfg.iface && cfg.sources.n == 0};
    struct tt_load load = {.ports = ports, .n_ports = n_ports, .verdicts = cfg.verdicts, .max_hint = cfg.max_ttl,
                           .family_ok = family_ok, .user = &src};
    for (int i = 0; i < cfg.n_operands; i++)
        if (tt_add_operand(&targets, &load, cfg.operands[i], err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus trace: %s\n", err);
            status = 2;
            goto done;
        }
    if (cfg.target_file && tt_load_file(&targets, &load, cfg.target_file, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        status = 2;
        goto done;
    }
    report_load(&load, &src);
    if (targets.n == 0) {
        fprintf(stderr, "mpcensus trace: no target left to trace\n");
        status = 2;
        goto done;
    }

    uint32_t tsval;
    if (getrandom(&tsval, sizeof tsval, 0) != sizeof tsval)
        tsval = (uint32_t)time(NULL);
    enc->pcfg.syn.tsval = tsval;   /* one value for the run: the probe "as sent" can be rebuilt */
    if (!(enc->cookie = cookie_new(NULL))) {
        fprintf(stderr, "mpcensus trace: cannot initialise the validation cookie\n");
        goto done;
    }
    if (cfg.iface) {
        if (trace_io_open_afpacket(&run->io, cfg.iface, enc->have4 ? &enc->src4 : NULL, enc->have6 ? &enc->src6 : NULL,
                                   err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus trace: %s\n", err);
            goto done;
        }
    } else if (trace_io_open_raw(&run->io, enc->have4, enc->have6, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        goto done;
    }
    struct rec_opts ro = {.path = cfg.output, .format = cfg.format, .fields = cfg.fields};
    if (!(out = rec_open(&trace_schema, &ro, err, sizeof err))) {
        fprintf(stderr, "mpcensus trace: %s\n", err);   /* the output file cannot be created */
        goto done;
    }
    uint64_t seed = cfg.seed;
    if (!cfg.seed_given && getrandom(&seed, sizeof seed, 0) != sizeof seed)
        seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    run->params = (struct ts_params){.max_ttl = cfg.max_ttl, .attempts = cfg.retries + 1, .gap_limit = cfg.gap_limit,
                                     .proxy_check = cfg.proxy_check, .full_path = cfg.full_path};
    run->targets = &targets;
    run->out = out;
    run->rate = cfg.rate;
    run->wait_ns = (uint64_t)(cfg.wait_s * 1e9);
    run->seed = seed;
    run->quiet = cfg.quiet;
    run->stop = &g_stop;
    if (!cfg.quiet) {
        char a4[IP_ADDR_STRLEN] = "-", a6[IP_ADDR_STRLEN] = "-";
        if (enc->have4)
            ip_addr_format(&enc->src4, a4, sizeof a4);
        if (enc->have6)
            ip_addr_format(&enc->src6, a6, sizeof a6);
        fprintf(stderr,
                "mpcensus trace: %zu targets; probe %s (flags 0x%02x); TTL 1-%u, %u retries, gap limit %u, wait %.2f s, "
                "proxy check %s; %s; rate %" PRIu64 "%s; %s%s; source %s %s\n",
                targets.n, cfg.probe->name, enc->pcfg.mpc_flags, cfg.max_ttl, cfg.retries, cfg.gap_limit, cfg.wait_s,
                cfg.proxy_check ? "on" : "off", cfg.full_path ? "full path" : "walk back to a clean quote", cfg.rate, cfg.rate ? " probes/s" : " (unlimited)",
                cfg.iface ? "AF_PACKET on " : "raw sockets", cfg.iface ? cfg.iface : "", a4, a6);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int erc = trace_engine_run(run);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    trace_summary(stderr, run);
    status = 0;
    if (erc != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", run->error);
        status = 1;
    }
    if (rec_close(out, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        status = 1;
    }
    out = NULL;
done:
    if (out)
        rec_close(out, err, sizeof err);
    if (run) {
        trace_io_close(run->io);
        cookie_free(run->enc.cookie);
        free(run);
    }
    tt_free(&targets);
    trace_config_free(&cfg);
    return status;
}
