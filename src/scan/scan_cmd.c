/* scan_cmd.c — `mpcensus scan` entry point: builds the target space, starts sender/receiver threads, prints status and summary. */
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
#include "scan/scan_status.h"

static struct scan_run *g_run;   /* for the signal handler only */

static void on_sigint(int sig)
{
    (void)sig;
    if (!g_run)
        return;
    if (atomic_exchange(&g_run->stop_sending, 1))
        atomic_store(&g_run->stop_receiving, 1);   /* second SIGINT: end the cooldown */
}

struct refusal_log {
    unsigned printed;
    uint64_t ranges, addrs;
};

static void print_refusal(void *user, const struct prefix_entry *part, const struct prefix_entry *blocker)
{
    struct refusal_log *log = user;
    u128 size = part->hi - part->lo + 1;
    log->ranges++;
    log->addrs += size > UINT64_MAX ? UINT64_MAX : (uint64_t)size;
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

/* Targets from the command line, -w and --ipv6-targets, minus the blocklist. */
static int build_targets(const struct scan_config *cfg, struct prefix_list *allowed)
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
    prefix_list_normalize(&targets);
    prefix_list_normalize(&block);
    struct refusal_log log = {0};
    if (prefix_list_subtract_move(&targets, &block, allowed, print_refusal, &log) < 0) {
        fprintf(stderr, "mpcensus scan: out of memory\n");
        goto out;
    }
    if (log.printed > 50)
        fprintf(stderr, "mpcensus scan: ... %u more refused ranges not shown\n", log.printed - 50);
    if (log.ranges)
        fprintf(stderr, "mpcensus scan: blocklist refused %" PRIu64 " addresses in %" PRIu64 " ranges%s\n", log.addrs,
                log.ranges, cfg->blocklist_file ? "" : " (default list; -b FILE replaces it)");
    /* the subtraction result points at reason strings of `targets`: keep none */
    for (size_t i = 0; i < allowed->n; i++)
        allowed->v[i].reason = NULL;
    rc = 0;
out:
    prefix_list_free(&targets);
    prefix_list_free(&block);
    return rc;
}

static int setup_sources(const struct scan_config *cfg, struct scan_run *run)
{
    for (unsigned i = 0; i < cfg->n_src_args; i++) {
        struct ip_addr a;
        if (!ip_addr_parse(cfg->src_args[i], &a)) {
            fprintf(stderr, "mpcensus scan: bad source address '%s'\n", cfg->src_args[i]);
            return -1;
        }
        if (a.family == AF_INET6) {
            if (run->have_src6) {
                fprintf(stderr, "mpcensus scan: two IPv6 source addresses given\n");
                return -1;
            }
            run->src6 = a;
            run->have_src6 = true;
        } else {
            if (run->have_src4) {
                fprintf(stderr, "mpcensus scan: two IPv4 source addresses given\n");
                return -1;
            }
            run->src4 = a;
            run->have_src4 = true;
        }
    }
    bool want4 = false, want6 = false;
    for (size_t i = 0; i < run->space.n_iv; i++) {
        if (run->space.iv[i].family == 4)
            want4 = true;
        else
            want6 = true;
    }
    want6 |= run->space.n_one > 0; /* the hitlist's single addresses */
    if (cfg->dryrun) {
        /* printing only: unspecified source addresses are fine */
        if (want4 && !run->have_src4) {
            ip_addr_parse("0.0.0.0", &run->src4);
            run->have_src4 = true;
        }
        if (want6 && !run->have_src6) {
            ip_addr_parse("::", &run->src6);
            run->have_src6 = true;
        }
        return 0;
    }
    if (want4 && !run->have_src4) {
        fprintf(stderr, "mpcensus scan: IPv4 targets need an IPv4 source address (-S)\n");
        return -1;
    }
    if (want6 && !run->have_src6) {
        fprintf(stderr, "mpcensus scan: IPv6 targets need an IPv6 source address (-S)\n");
        return -1;
    }
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
    t.src = run->have_src4 ? run->src4 : run->src6;
    t.dst = t.src;
    t.dport = 80;
    uint8_t buf[256];
    struct probe_sig sig;
    size_t len = probe_build_frame(run->cfg->probe, &run->pcfg, &t, buf, sizeof(buf), &sig);
    return len ? len : 80;
}

int cmd_scan(int argc, char **argv)
{
    struct scan_config cfg;
    int prc = scan_parse_options(argc, argv, &cfg);
    if (prc == 1)
        return 0;
    if (prc != 0)
        return 2;
    if (cfg.bench_permutation)
        return run_bench(&cfg);

    struct scan_run *run = calloc(1, sizeof(*run));
    if (!run) {
        fprintf(stderr, "mpcensus scan: out of memory\n");
        return 1;
    }
    int status = 1;
    char err[512];
    run->cfg = &cfg;
    run->pcfg = cfg.probe_cfg;
    pthread_mutex_init(&run->dryrun_lock, NULL);
    struct prefix_list allowed;
    prefix_list_init(&allowed);
    bool output_open_ok = false;
    pthread_t recv_thread, send_threads[64];
    struct sender_arg sargs[64];
    unsigned started = 0;
    bool receiver_started = false;

    if (build_targets(&cfg, &allowed) < 0) {
        status = 2;
        goto out;
    }
    if (allowed.n == 0 && allowed.n_one == 0) {
        fprintf(stderr, "mpcensus scan: no targets left after the blocklist\n");
        status = 2;
        goto out;
    }
    if (target_space_init(&run->space, &allowed, cfg.ports, cfg.n_ports, err, sizeof(err)) < 0) {
        fprintf(stderr, "mpcensus scan: %s\n", err);
        status = 2;
        goto out;
    }
    uint64_t seed = cfg.seed;
    if (!cfg.seed_given && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
        seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    if (perm_init(&run->perm, run->space.n, seed, err, sizeof(err)) < 0) {
        fprintf(stderr, "mpcensus scan: %s\n", err);
        status = 2;
        goto out;
    }
    if (setup_sources(&cfg, run) < 0) {
        status = 2;
        goto out;
    }
    if (!cfg.dryrun && afp_if_mac(cfg.iface, run->pcfg.src_mac, err, sizeof(err)) < 0) {
        fprintf(stderr, "mpcensus scan: %s\n", err);
        goto out;
    }
    {
        uint32_t ts;
        if (getrandom(&ts, sizeof(ts), 0) != sizeof(ts))
            ts = (uint32_t)time(NULL);
        run->pcfg.syn.tsval = ts;
    }
    if (!(run->cookie = cookie_new(NULL))) {
        fprintf(stderr, "mpcensus scan: cannot initialise the validation cookie\n");
        goto out;
    }
    if (cfg.dryrun) {
        if (!strcmp(cfg.output_file, "-"))
            run->dryrun_out = stdout;
        else if (!(run->dryrun_out = fopen(cfg.output_file, "w"))) {
            fprintf(stderr, "mpcensus scan: %s: %s\n", cfg.output_file, strerror(errno));
            goto out;
        }
        fprintf(run->dryrun_out, "daddr,dport,sport,seq,ipid,mptcp_option,frame\n");
    } else {
        if (output_open(&run->out, cfg.output_file, cfg.output_format, cfg.output_fields, err, sizeof(err)) < 0) {
            fprintf(stderr, "mpcensus scan: %s\n", err);
            status = 2;
            goto out;
        }
        output_open_ok = true;
        if (seen_set_init(&run->seen, run->space.n) < 0) {
            fprintf(stderr, "mpcensus scan: out of memory\n");
            goto out;
        }
    }
    run->expected_targets = (run->space.n + cfg.shards - 1) / cfg.shards;
    if (cfg.max_targets && cfg.max_targets < run->expected_targets)
        run->expected_targets = cfg.max_targets;
    uint64_t rate = cfg.rate;
    if (cfg.bandwidth) {
        /* Ethernet preamble, inter-frame gap and FCS: 24 bytes per frame on the wire */
        rate = cfg.bandwidth / ((frame_len_estimate(run) + 24) * 8);
        if (rate == 0)
            rate = 1;
    }
    if (cfg.dryrun)
        rate = 0;
    run->rate_per_thread = rate ? (rate + cfg.send_threads - 1) / cfg.send_threads : 0;

    if (!cfg.quiet) {
        char a4[IP_ADDR_STRLEN] = "-", a6[IP_ADDR_STRLEN] = "-";
        if (run->have_src4)
            ip_addr_format(&run->src4, a4, sizeof(a4));
        if (run->have_src6)
            ip_addr_format(&run->src6, a6, sizeof(a6));
        fprintf(stderr,
                "mpcensus scan: %" PRIu64 " addresses x %u ports = %" PRIu64 " targets; shard %u/%u; seed %" PRIu64
                "; probe %s (flags 0x%02x); rate %s; source %s %s\n",
                run->space.n_addrs, cfg.n_ports, run->space.n, cfg.shard, cfg.shards, seed, cfg.probe->name,
                run->pcfg.mpc_flags, rate ? "limited" : "unlimited", a4, a6);
        if (rate)
            fprintf(stderr, "mpcensus scan: rate %" PRIu64 " packets/s\n", rate);
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    g_run = run;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    run->t_start_ns = scan_now_ns();
    if (!cfg.dryrun) {
        if (pthread_create(&recv_thread, NULL, scan_receiver_main, run) != 0) {
            fprintf(stderr, "mpcensus scan: cannot start the receiver thread\n");
            goto out;
        }
        receiver_started = true;
        while (atomic_load(&run->receiver_ready) == 0)
            sleep_ms(1);
        if (atomic_load(&run->receiver_ready) < 0) {
            fprintf(stderr, "mpcensus scan: receiver: %s\n", run->receiver_error);
            goto out;
        }
    }
    atomic_store(&run->senders_running, (int)cfg.send_threads);
    for (unsigned i = 0; i < cfg.send_threads; i++) {
        sargs[i] = (struct sender_arg){run, i};
        if (pthread_create(&send_threads[i], NULL, scan_sender_main, &sargs[i]) != 0) {
            atomic_fetch_sub(&run->senders_running, (int)(cfg.send_threads - i));
            atomic_store(&run->stop_sending, 1);
            fprintf(stderr, "mpcensus scan: cannot start sender thread %u\n", i);
            break;
        }
        started++;
    }
    /* monitor: status each second until every sender is done */
    struct status_state st = {0};
    uint64_t next_status = run->t_start_ns + 1000000000ull;
    while (atomic_load(&run->senders_running) > 0) {
        sleep_ms(20);
        uint64_t now = scan_now_ns();
        if (cfg.max_runtime_secs && now - run->t_start_ns >= (uint64_t)cfg.max_runtime_secs * 1000000000ull)
            atomic_store(&run->stop_sending, 1);
        if (now >= next_status) {
            if (!cfg.quiet)
                scan_status_line(stderr, run, &st);
            next_status += 1000000000ull;
        }
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(send_threads[i], NULL);
    if (run->sender_error[0])
        fprintf(stderr, "mpcensus scan: sender: %s\n", run->sender_error);
    if (!cfg.dryrun) {
        uint64_t cool_end = scan_now_ns() + (uint64_t)cfg.cooldown_secs * 1000000000ull;
        while (!atomic_load(&run->stop_receiving) && scan_now_ns() < cool_end) {
            sleep_ms(20);
            if (scan_now_ns() >= next_status) {
                if (!cfg.quiet)
                    scan_status_line(stderr, run, &st);
                next_status += 1000000000ull;
            }
        }
    }
    status = run->sender_error[0] ? 1 : 0;
out:
    atomic_store(&run->stop_sending, 1);
    atomic_store(&run->stop_receiving, 1);
    if (receiver_started) {
        pthread_join(recv_thread, NULL);
        if (run->receiver_error[0] && atomic_load(&run->receiver_ready) > 0) {
            fprintf(stderr, "mpcensus scan: receiver: %s\n", run->receiver_error);
            status = 1;
        }
    }
    if (started) {
        if (output_open_ok && output_close(&run->out) < 0) {
            fprintf(stderr, "mpcensus scan: writing %s failed\n", cfg.output_file);
            status = 1;
        }
        output_open_ok = false;
        scan_summary(stderr, run);
    }
    if (output_open_ok)
        output_close(&run->out);
    if (run->dryrun_out) {
        fflush(run->dryrun_out);
        if (run->dryrun_out != stdout)
            fclose(run->dryrun_out);
    }
    g_run = NULL;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    seen_set_free(&run->seen);
    cookie_free(run->cookie);
    target_space_free(&run->space);
    prefix_list_free(&allowed);
    pthread_mutex_destroy(&run->dryrun_lock);
    free(run);
    return status;
}
