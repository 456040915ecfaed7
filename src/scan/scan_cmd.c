/* scan_cmd.c — `mpcensus scan` entry point: init (targets, permutation, output), start (threads), monitor (one status loop), teardown. */
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

#include "scan/scan.h"
#include "io/afpacket.h"
#include "target/prefix_list.h"
#include "scan/scan_bench.h"
#include "scan/scan_config.h"
#include "scan/scan_engine.h"
#include "scan/scan_meta.h"
#include "scan/scan_status.h"

static struct scan_run *g_run;   /* for the signal handler only */
static volatile sig_atomic_t g_interrupted;

static void on_signal(int sig)
{
    (void)sig;
    if (!g_run)
        return;
    g_interrupted = 1;
    if (atomic_exchange(&g_run->stop_sending, 1))
        atomic_store(&g_run->stop_receiving, 1);   /* second signal: end the cooldown */
}

struct refusal_log {
    unsigned printed;
    uint64_t ranges;
    u128 addrs;                  /* a /64 alone is 2^64 addresses: counted exactly */
};

static void print_refusal(void *user, const struct prefix_entry *part, const struct prefix_entry *blocker)
{
    struct refusal_log *log = user;
    u128 size = part->hi - part->lo + 1;   /* 0: all of IPv6 */
    log->ranges++;
    log->addrs += size;
    if (log->printed++ >= 50)
        return;
    char a[100], b[100];
    fprintf(stderr, "mpcensus scan: refusing %s: blocklisted by %s (%s)\n", prefix_range_format(part, a, sizeof(a)),
            prefix_range_format(blocker, b, sizeof(b)), blocker->reason ? blocker->reason : "blocklist");
}

static int run_bench(const struct scan_config *cfg)
{
    struct perm_bench_result r;
    char err[256];
    uint64_t seed = cfg->seed_given ? cfg->seed : 1;
    if (scan_bench_permutation(seed, &r, err, sizeof(err)) < 0) {
        fprintf(stderr, "mpcensus scan: %s\n", err);
        return 1;
    }
    printf("permutation: prime %" PRIu64 ", %" PRIu64 " indices in %.3f s = %.1f M addresses/s (one core), bijection %s\n",
           r.prime, r.walk_count, r.walk_secs, (double)r.walk_count / r.walk_secs / 1e6, r.bijection_ok ? "ok" : "FAILED");
    printf("permutation+lookup: %" PRIu64 " IPv4 targets (default blocklist applied) in %.3f s = %.1f M addresses/s\n",
           r.lookup_count, r.lookup_secs, (double)r.lookup_count / r.lookup_secs / 1e6);
    return r.bijection_ok ? 0 : 1;
}

/* Targets from the command line, -w and --ipv6-targets, minus the blocklist
 * (its size and what it refused go into the metadata). */
static int build_targets(const struct scan_config *cfg, struct prefix_list *allowed, struct scan_meta_info *meta)
{
    struct prefix_list targets, block;
    prefix_list_init(&targets);
    prefix_list_init(&block);
    char err[512];
    int rc = -1;
    for (int i = 0; i < cfg->n_target_args; i++) {
        if (prefix_list_add_text(&targets, cfg->target_args[i], NULL, err, sizeof(err)) < 0) {
            fprintf(stderr, "mpcensus scan: target '%s': %s\n", cfg->target_args[i], err);
            goto out;
        }
    }
    if (cfg->allowlist_file && prefix_list_load_file(&targets, cfg->allowlist_file, err, sizeof(err)) < 0) {
        fprintf(stderr, "mpcensus scan: allowlist: %s\n", err);
        goto out;
    }
    if (cfg->ipv6_targets) {
        size_t before = targets.n;
        if (prefix_list_load_file(&targets, cfg->ipv6_targets, err, sizeof(err)) < 0) {
            fprintf(stderr, "mpcensus scan: IPv6 targets: %s\n", err);
            goto out;
        }
        for (size_t i = before; i < targets.n; i++)
            if (targets.v[i].family != 6) {
                char a[64];
                fprintf(stderr, "mpcensus scan: IPv6 targets: %s is not an IPv6 address (%s)\n",
                        prefix_range_format(&targets.v[i], a, sizeof(a)), targets.v[i].reason);
                goto out;
            }
    }
    if (cfg->blocklist_file) {
        if (prefix_list_load_file(&block, cfg->blocklist_file, err, sizeof(err)) < 0) {
            fprintf(stderr, "mpcensus scan: blocklist: %s\n", err);
            goto out;
        }
    } else if (prefix_list_add_iana_special(&block) < 0) {
        fprintf(stderr, "mpcensus scan: out of memory\n");
        goto out;
    }
    meta->blocklist_entries = block.n + block.n_one; /* single IPv6 lines are kept apart (one) */
    prefix_list_normalize(&targets);
    prefix_list_normalize(&block);
    struct refusal_log log = {0};
    if (prefix_list_subtract_move(&targets, &block, allowed, print_refusal, &log) < 0) {
        fprintf(stderr, "mpcensus scan: out of memory\n");
        goto out;
    }
    if (log.printed > 50)
        fprintf(stderr, "mpcensus scan: ... %u more refused ranges not shown\n", log.printed - 50);
    if (log.ranges) {
        char count[48];
        fprintf(stderr, "mpcensus scan: blocklist refused %s addresses in %" PRIu64 " ranges%s\n",
                prefix_count_format(log.addrs, count, sizeof count), log.ranges,
                cfg->blocklist_file ? "" : " (default list; -b FILE replaces it)");
    }
    meta->refused_ranges = log.ranges;
    meta->refused_addresses = log.addrs;
    /* the subtraction result points at reason strings of `targets`: keep none */
    for (size_t i = 0; i < allowed->n; i++)
        allowed->v[i].reason = NULL;
    rc = 0;
out:
    prefix_list_free(&targets);
    prefix_list_free(&block);
    return rc;
}

/* The first target of one family (4 or 6) in the space; false if none. */
static bool first_target(const struct target_space *space, uint8_t family, struct ip_addr *out)
{
    for (size_t i = 0; i < space->n_iv; i++)
        if (space->iv[i].family == family) {
            uint16_t port;
            target_space_get(space, space->iv[i].base * space->n_ports, out, &port, NULL);
            return true;
        }
    if (family == 6 && space->n_one > 0) { /* the hitlist's single addresses, numbered after the ranges */
        uint16_t port;
        target_space_get(space, space->n_range_addrs * space->n_ports, out, &port, NULL);
        return true;
    }
    return false;
}

/* Interface, our addresses and the MACs: the options, else the kernel's tables. Returns 0 or the exit status. */
static int setup_network(const struct scan_config *cfg, struct scan_run *run)
{
    struct ip_addr f4, f6;
    bool have4 = first_target(&run->space, 4, &f4), have6 = first_target(&run->space, 6, &f6);
    char err[512];
    bool usage;
    if (scan_net_resolve(cfg, have4 ? &f4 : NULL, have6 ? &f6 : NULL, &run->net, &usage, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus scan: %s\n", err);
        return usage ? 2 : 1;
    }
    memcpy(run->pcfg.src_mac, run->net.src_mac, 6);
    memcpy(run->pcfg.gw_mac, run->net.gw_mac, 6);
    return 0;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static uint64_t frame_len_estimate(const struct scan_run *run)
{
    struct probe_target t;
    memset(&t, 0, sizeof(t));
    t.src = run->net.src4.n ? run->net.src4.r[0].lo : run->net.src6.r[0].lo;
    t.dst = t.src;
    t.dport = 80;
    uint8_t buf[256];
    struct probe_sig sig;
    size_t len = probe_build_frame(run->cfg->probe, &run->pcfg, &t, buf, sizeof(buf), &sig);
    return len ? len : 80;
}

/* Everything a scan needs before its threads start. Returns 0, or the exit status. */
struct scan_session {
    struct scan_config cfg;
    struct scan_run *run;
    struct prefix_list allowed;
    pthread_t recv_thread, send_threads[SCAN_MAX_THREADS];
    struct sender_arg sargs[SCAN_MAX_THREADS];
    unsigned started;
    bool receiver_started, output_open;
    uint64_t rate, seed;
    struct scan_meta_info meta;
};

static int scan_init(struct scan_session *s)
{
    struct scan_config *cfg = &s->cfg;
    char err[512];
    prefix_list_init(&s->allowed);
    if (!(s->run = calloc(1, sizeof(*s->run)))) {
        fprintf(stderr, "mpcensus scan: out of memory\n");
        return 1;
    }
    struct scan_run *run = s->run;
    run->cfg = cfg;
    run->pcfg = cfg->probe_cfg;
    pthread_mutex_init(&run->dryrun_lock, NULL);
    if (build_targets(cfg, &s->allowed, &s->meta) < 0)
        return 2;
    if (s->allowed.n == 0 && s->allowed.n_one == 0) {
        fprintf(stderr, "mpcensus scan: no targets left after the blocklist\n");
        return 2;
    }
    if (target_space_init(&run->space, &s->allowed, cfg->ports, cfg->n_ports, err, sizeof(err)) < 0) {
        fprintf(stderr, "mpcensus scan: %s\n", err);
        return 2;
    }
    s->seed = cfg->seed;
    if (!cfg->seed_given && getrandom(&s->seed, sizeof(s->seed), 0) != sizeof(s->seed))
        s->seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    if (perm_init(&run->perm, run->space.n, s->seed, err, sizeof(err)) < 0) {
        fprintf(stderr, "mpcensus scan: %s\n", err);
        return 2;
    }
    run->source_seed = s->seed;
    int nrc = setup_network(cfg, run);
    if (nrc)
        return nrc;
    uint32_t ts;
    if (getrandom(&ts, sizeof(ts), 0) != sizeof(ts))
        ts = (uint32_t)time(NULL);
    run->pcfg.syn.tsval = ts;
    if (!(run->cookie = cookie_new(NULL))) {
        fprintf(stderr, "mpcensus scan: cannot initialise the validation cookie\n");
        return 1;
    }
    /* the same rule in a dry run and a real one: an output that cannot be created is a runtime failure */
    int orc = cfg->dryrun ? output_open_dryrun(&run->out, cfg->output_file, cfg->output_format, cfg->output_fields,
                                               err, sizeof(err))
                          : output_open(&run->out, cfg->output_file, cfg->output_format, cfg->output_fields, err,
                                        sizeof(err));
    if (orc < 0) {
        fprintf(stderr, "mpcensus scan: %s\n", err);
        return 1;
    }
    s->output_open = true;
    if (!cfg->dryrun && seen_set_init(&run->seen, run->space.n) < 0) {
        fprintf(stderr, "mpcensus scan: out of memory\n");
        return 1;
    }
    run->expected_targets = (run->space.n + cfg->shards - 1) / cfg->shards;
    if (cfg->max_targets && cfg->max_targets < run->expected_targets)
        run->expected_targets = cfg->max_targets;
    s->rate = cfg->rate;
    if (cfg->bandwidth) {
        /* Ethernet preamble, inter-frame gap and FCS: 24 bytes per frame on the wire */
        s->rate = cfg->bandwidth / ((frame_len_estimate(run) + 24) * 8);
        if (s->rate == 0)
            s->rate = 1;
    }
    if (cfg->dryrun)
        s->rate = 0;
    run->rate_per_thread = s->rate ? (s->rate + cfg->send_threads - 1) / cfg->send_threads : 0;
    return 0;
}

static void print_plan(const struct scan_session *s)
{
    const struct scan_run *run = s->run;
    const struct scan_config *cfg = &s->cfg;
    const struct scan_net *n = &run->net;
    char a4[256] = "-", a6[256] = "-";
    if (n->src4.n)
        source_pool_format(&n->src4, a4, sizeof a4);
    if (n->src6.n)
        source_pool_format(&n->src6, a6, sizeof a6);
    fprintf(stderr,
            "mpcensus scan: %" PRIu64 " addresses x %u ports = %" PRIu64 " targets; shard %u/%u; seed %" PRIu64
            "; probe %s (flags 0x%02x); rate %s; source %s %s\n",
            run->space.n_addrs, cfg->n_ports, run->space.n, cfg->shard, cfg->shards, s->seed, cfg->probe->name,
            run->pcfg.mpc_flags, s->rate ? "limited" : "unlimited", a4, a6);
    if (s->rate)
        fprintf(stderr, "mpcensus scan: rate %" PRIu64 " packets/s\n", s->rate);
    if (cfg->dryrun)
        return;
    /* what the kernel's tables chose, as ZMap prints it */
    if (n->iface_from != NET_OPTION)
        fprintf(stderr, "mpcensus scan: interface %s (from the route to the first target)\n", n->iface);
    if (n->src4_from == NET_ROUTE || n->src4_from == NET_IF_ADDRESS)
        fprintf(stderr, "mpcensus scan: IPv4 source %s (%s)\n", a4,
                n->src4_from == NET_ROUTE ? "the route's preferred source" : "the interface's first address");
    if (n->src6_from == NET_ROUTE || n->src6_from == NET_IF_ADDRESS)
        fprintf(stderr, "mpcensus scan: IPv6 source %s (%s)\n", a6,
                n->src6_from == NET_ROUTE ? "the route's preferred source" : "the interface's first address");
    if (n->gw_from == NET_NEIGHBOUR) {
        char g[IP_ADDR_STRLEN];
        const uint8_t *m = n->gw_mac;
        fprintf(stderr, "mpcensus scan: gateway %s at %02x:%02x:%02x:%02x:%02x:%02x (neighbour table)\n",
                ip_addr_format(&n->gw_ip, g, sizeof g), m[0], m[1], m[2], m[3], m[4], m[5]);
    }
}

/* Signals, the receiver (ready before the first SYN) and the senders. Returns 0 or the exit status. */
static int scan_start(struct scan_session *s)
{
    struct scan_run *run = s->run;
    const struct scan_config *cfg = &s->cfg;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_run = run;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    run->t_start_ns = scan_now_ns();
    if (!cfg->dryrun) {
        if (pthread_create(&s->recv_thread, NULL, scan_receiver_main, run) != 0) {
            fprintf(stderr, "mpcensus scan: cannot start the receiver thread\n");
            return 1;
        }
        s->receiver_started = true;
        while (atomic_load(&run->receiver_ready) == 0)
            sleep_ms(1);
        if (atomic_load(&run->receiver_ready) < 0) {
            fprintf(stderr, "mpcensus scan: receiver: %s\n", run->receiver_error);
            return 1;
        }
    }
    atomic_store(&run->senders_running, (int)cfg->send_threads);
    for (unsigned i = 0; i < cfg->send_threads; i++) {
        s->sargs[i] = (struct sender_arg){run, i};
        if (pthread_create(&s->send_threads[i], NULL, scan_sender_main, &s->sargs[i]) != 0) {
            atomic_fetch_sub(&run->senders_running, (int)(cfg->send_threads - i));
            atomic_store(&run->stop_sending, 1);
            fprintf(stderr, "mpcensus scan: cannot start sender thread %u\n", i);
            break;
        }
        s->started++;
    }
    return 0;
}

/* The one status loop: sending, then the cooldown, a status line each second. */
static void scan_monitor(struct scan_session *s)
{
    struct scan_run *run = s->run;
    const struct scan_config *cfg = &s->cfg;
    struct status_state st = {0};
    uint64_t next_status = run->t_start_ns + 1000000000ull, cool_end = 0;
    for (;;) {
        bool sending = atomic_load(&run->senders_running) > 0;
        uint64_t now = scan_now_ns();
        if (sending) {
            if (cfg->max_runtime_secs && now - run->t_start_ns >= (uint64_t)cfg->max_runtime_secs * 1000000000ull)
                atomic_store(&run->stop_sending, 1);
        } else {
            if (cfg->dryrun || atomic_load(&run->stop_receiving) || atomic_load(&run->output_failed))
                break;
            if (!cool_end)
                cool_end = now + (uint64_t)cfg->cooldown_secs * 1000000000ull;
            if (now >= cool_end)
                break;
        }
        if (now >= next_status) {
            if (!cfg->quiet)
                scan_status_line(stderr, run, &st);
            next_status += 1000000000ull;
        }
        sleep_ms(20);
    }
}

/* Joins the threads, closes the output, prints the summary. Returns the exit status. */
static int scan_teardown(struct scan_session *s, int status)
{
    struct scan_run *run = s->run;
    if (run) {
        atomic_store(&run->stop_sending, 1);
        for (unsigned i = 0; i < s->started; i++)
            pthread_join(s->send_threads[i], NULL);
        if (run->sender_error[0]) {
            fprintf(stderr, "mpcensus scan: sender: %s\n", run->sender_error);
            status = 1;
        }
        atomic_store(&run->stop_receiving, 1);
        if (s->receiver_started) {
            pthread_join(s->recv_thread, NULL);
            if (run->receiver_error[0] && atomic_load(&run->receiver_ready) > 0) {
                fprintf(stderr, "mpcensus scan: receiver: %s\n", run->receiver_error);
                status = 1;
            }
        }
        if (s->output_open && output_close(&run->out) < 0) {
            fprintf(stderr, "mpcensus scan: %s (records lost: the scan was stopped)\n", run->out.error);
            status = 1;
        }
        if (s->started)
            scan_summary(stderr, run);
        if (s->started && s->cfg.metadata_file) {
            char err[700];
            clock_gettime(CLOCK_REALTIME, &s->meta.end);
            s->meta.interrupted = g_interrupted;
            s->meta.seed = s->seed;
            s->meta.rate = s->rate;
            if (scan_meta_write(s->cfg.metadata_file, run, &s->meta, err, sizeof err) < 0) {
                fprintf(stderr, "mpcensus scan: metadata: %s\n", err);
                status = 1;
            }
        }
        g_run = NULL;
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        seen_set_free(&run->seen);
        scan_net_free(&run->net);
        cookie_free(run->cookie);
        target_space_free(&run->space);
        pthread_mutex_destroy(&run->dryrun_lock);
        free(run);
    }
    prefix_list_free(&s->allowed);
    scan_config_free(&s->cfg);
    return status;
}

int cmd_scan(int argc, char **argv)
{
    struct scan_session s;
    memset(&s, 0, sizeof s);
    int prc = scan_parse_options(argc, argv, &s.cfg);
    if (prc != 0) {
        scan_config_free(&s.cfg);
        return prc == 1 ? 0 : 2;
    }
    if (s.cfg.bench_permutation) {
        int rc = run_bench(&s.cfg);
        scan_config_free(&s.cfg);
        return rc;
    }
    clock_gettime(CLOCK_REALTIME, &s.meta.start);
    int status = scan_init(&s);
    if (status == 0) {
        if (!s.cfg.quiet)
            print_plan(&s);
        status = scan_start(&s);
        if (status == 0)
            scan_monitor(&s);
    }
    return scan_teardown(&s, status);
}
