/* test_http.c — `mpcensus http` pieces without a network: target text and record input, quantiles and MPTCP−TCP pairing, the record's null/boolean rules, MPTCP netlink event decoding, the TLS warm-up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/args_endpoint.h"
#include "http/http_driver.h"
#include "http/http_output.h"
#include "http/http_summary.h"
#include "http/http_targets.h"
#include "http/mptcp_events.h"
#include "http/tls_warmup.h"
#include "io/record.h"
#include "io/record_read.h"
#include "net/proc_netstat.h"

static char tmpdir[] = "/tmp/mpc-http-XXXXXX";

static void write_file(const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ------------------------------------------------------------ targets */

static void test_endpoint(void **state)
{
    (void)state;
    struct ip_addr a;
    uint16_t port;
    char why[128], t[IP_ADDR_STRLEN];
    assert_true(args_parse_endpoint("198.18.0.1", &a, &port, why, sizeof why));
    assert_int_equal(port, 0);
    assert_string_equal(ip_addr_format(&a, t, sizeof t), "198.18.0.1");
    assert_true(args_parse_endpoint("198.18.0.1:8080", &a, &port, why, sizeof why));
    assert_int_equal(port, 8080);
    assert_true(args_parse_endpoint("2001:db8::1", &a, &port, why, sizeof why));
    assert_int_equal(port, 0);
    assert_int_equal(a.family, AF_INET6);
    assert_true(args_parse_endpoint("[2001:db8::1]:443", &a, &port, why, sizeof why));
    assert_int_equal(port, 443);
    assert_string_equal(ip_addr_format(&a, t, sizeof t), "2001:db8::1");
    assert_true(args_parse_endpoint("[::1]", &a, &port, why, sizeof why));
    assert_int_equal(port, 0);
    assert_false(args_parse_endpoint("198.18.0.1:0", &a, &port, why, sizeof why));
    assert_false(args_parse_endpoint("198.18.0.1:65536", &a, &port, why, sizeof why));
    assert_false(args_parse_endpoint("198.18.0.1:", &a, &port, why, sizeof why));
    assert_false(args_parse_endpoint("[2001:db8::1", &a, &port, why, sizeof why));
    assert_false(args_parse_endpoint("[2001:db8::1]443", &a, &port, why, sizeof why));
    assert_false(args_parse_endpoint("example.org", &a, &port, why, sizeof why));
    assert_non_null(strstr(why, "example.org"));
    assert_false(args_parse_endpoint("", &a, &port, why, sizeof why));
}

static void test_targets_text_and_file(void **state)
{
    (void)state;
    struct http_targets tl;
    targets_init(&tl);
    uint16_t p2[] = {80, 443};
    struct port_list ports = {p2, 2};
    char why[256], path[256], err[512];
    assert_true(targets_add_text(&tl, "198.18.0.1", &ports, NULL, why, sizeof why));
    assert_int_equal(tl.n, 2);
    assert_true(targets_add_text(&tl, "198.18.0.1:443", &ports, NULL, why, sizeof why));   /* duplicate */
    assert_int_equal(tl.n, 2);
    assert_int_equal(tl.duplicates, 1);
    assert_true(targets_add_text(&tl, "[2001:db8::5]:8443", &ports, NULL, why, sizeof why));
    assert_int_equal(tl.n, 3);
    assert_int_equal(tl.t[2].port, 8443);
    /* enough targets to grow the dedup index several times */
    for (int i = 0; i < 3000; i++) {
        char a[32];
        snprintf(a, sizeof a, "198.18.%d.%d:80", i / 256, i % 256);
        assert_true(targets_add_text(&tl, a, &ports, NULL, why, sizeof why));
    }
    assert_int_equal(tl.n, 3 + 3000 - 1);   /* 198.18.0.1:80 was there */
    write_file("t.txt", "# a comment\n\n  198.19.0.1   # trailing comment\n[2001:db8::9]:81\n198.19.0.2 extra\n", path,
               sizeof path);
    assert_false(targets_load_file(&tl, path, &ports, err, sizeof err));
    assert_non_null(strstr(err, "t.txt:5:"));
    write_file("u.txt", "198.19.0.7\nnot-an-address\n", path, sizeof path);
    assert_false(targets_load_file(&tl, path, &ports, err, sizeof err));
    assert_non_null(strstr(err, "u.txt:2:"));
    assert_non_null(strstr(err, "not-an-address"));
    targets_free(&tl);
}

static void test_targets_from_records(void **state)
{
    (void)state;
    char path[256], err[512];
    struct http_targets tl;
    struct record_stats st;
    uint16_t d80 = 80;
    struct port_list dflt = {&d80, 1};

    /* scan-style CSV: the responder is saddr/sport, the verdict chooses */
    write_file("scan.csv",
               "saddr,sport,daddr,dport,verdict\n"
               "198.18.0.1,80,198.19.255.1,40000,mptcp\n"
               "198.18.0.2,443,198.19.255.1,40001,tcp\n"
               "198.18.0.3,443,198.19.255.1,40002,mirrored\n"
               "bogus,80,198.19.255.1,40003,mptcp\n"
               "198.18.0.4,99999,198.19.255.1,40004,mptcp\n"
               "198.18.0.1,80,198.19.255.1,40005,mptcp\n",
               path, sizeof path);
    targets_init(&tl);
    struct record_select sel = {NULL, NULL, NULL, &dflt, "mptcp,mirrored", NULL};
    assert_true(targets_load_records(&tl, path, &sel, &st, err, sizeof err));
    assert_int_equal(st.rows, 6);
    assert_int_equal(st.filtered, 1);
    assert_int_equal(st.bad_rows, 2);
    assert_int_equal(tl.n, 2);             /* .1:80 once, .3:443 */
    assert_int_equal(tl.t[0].port, 80);
    assert_string_equal(tl.t[0].label, "mptcp");
    assert_int_equal(tl.t[1].port, 443);
    assert_string_equal(tl.t[1].label, "mirrored");
    targets_free(&tl);

    /* -p replaces the rows' ports */
    uint16_t p2[] = {8080, 8443};
    struct port_list over = {p2, 2};
    targets_init(&tl);
    sel = (struct record_select){NULL, NULL, &over, &dflt, "mptcp", NULL};
    assert_true(targets_load_records(&tl, path, &sel, &st, err, sizeof err));
    assert_int_equal(tl.n, 4);   /* .1 and .4 (whose bad port is not read) on both ports */
    targets_free(&tl);

    /* trace-style JSON lines: target/port/class, a row without port takes the default */
    write_file("trace.json",
               "{\"target\":\"2001:db8::1\",\"port\":443,\"probe_version\":1,\"class\":\"mptcp\",\"hops\":[{\"hop\":1}]}\n"
               "{\"target\":\"198.18.0.9\",\"port\":80,\"class\":\"middlebox\",\"hop\":3}\n"
               "{\"target\":\"198.18.0.10\",\"class\":\"mptcp\"}\n"
               "{\"target\":\"198.18.0.11\",\"port\":80,\"class\":\"unreachable\"}\n"
               "{broken\n",
               path, sizeof path);
    targets_init(&tl);
    sel = (struct record_select){NULL, NULL, NULL, &dflt, NULL, "mptcp,middlebox"};
    assert_true(targets_load_records(&tl, path, &sel, &st, err, sizeof err));
    assert_int_equal(st.bad_rows, 1);
    assert_int_equal(st.filtered, 1);
    assert_int_equal(tl.n, 3);
    assert_int_equal(tl.t[0].addr.family, AF_INET6);
    assert_string_equal(tl.t[1].label, "middlebox");
    assert_int_equal(tl.t[2].port, 80);
    targets_free(&tl);

    /* a CSV without any address column is refused at once */
    write_file("noaddr.csv", "x,y\n1,2\n", path, sizeof path);
    targets_init(&tl);
    sel = (struct record_select){NULL, NULL, NULL, &dflt, NULL, NULL};
    assert_false(targets_load_records(&tl, path, &sel, &st, err, sizeof err));
    assert_non_null(strstr(err, "no address column"));
    targets_free(&tl);

    assert_true(list_has("a,bb,c", "bb"));
    assert_false(list_has("a,bb,c", "b"));
    assert_false(list_has("a,bb,c", NULL));
}

/* ------------------------------------------------------------ statistics */

static void test_quantile(void **state)
{
    (void)state;
    double v[] = {4, 1, 3, 2};
    assert_float_equal(http_quantile(v, 4, 0.5), 2.5, 1e-12);
    assert_float_equal(http_quantile(v, 4, 0.25), 1.75, 1e-12);   /* 1 + 0.75 * (2 - 1) */
    assert_float_equal(http_quantile(v, 4, 0.75), 3.25, 1e-12);
    assert_float_equal(http_quantile(v, 4, 0.0), 1, 1e-12);
    assert_float_equal(http_quantile(v, 4, 1.0), 4, 1e-12);
    double w[] = {5, 1, 3};
    assert_float_equal(http_quantile(w, 3, 0.5), 3, 1e-12);
    double one[] = {7.5};
    assert_float_equal(http_quantile(one, 1, 0.5), 7.5, 1e-12);
    assert_true(isnan(http_quantile(NULL, 0, 0.5)));
}

static struct http_request req_mptcp = {.port = 443, .tls = true, .mptcp = true};
static struct http_request req_tcp = {.port = 443, .tls = true, .mptcp = false};

static void make_result(struct http_result *r, bool mptcp, double connect, double app, double ttfb, double total)
{
    memset(r, 0, sizeof *r);
    r->req = mptcp ? &req_mptcp : &req_tcp;
    r->connected = true;
    r->connect_ms = connect;
    r->appconnect_ms = app;
    r->starttransfer_ms = ttfb;
    r->total_ms = total;
    r->http_status = 200;
    r->at_end.valid = r->at_end.known = true;
    r->at_end.mptcp = mptcp;
    r->at_end.subflows = 1;
}

static void test_summary_pairs(void **state)
{
    (void)state;
    struct http_targets tl;
    targets_init(&tl);
    uint16_t p443 = 443;
    struct port_list ports = {&p443, 1};
    char why[128], path[256], err[256];
    assert_true(targets_add_text(&tl, "198.18.0.1", &ports, "mptcp", why, sizeof why));
    tl.t[0].tls = true;
    struct http_summary *s = http_summary_new(1, 4);
    assert_non_null(s);
    /* runs 1..3 pair up; in run 4 the tcp transfer failed, so it is left out */
    double m_connect[] = {10, 12, 20, 1}, t_connect[] = {8, 9, 10, 1};
    for (unsigned run = 1; run <= 4; run++) {
        struct http_result a, b;
        make_result(&a, true, m_connect[run - 1], m_connect[run - 1] + 5, m_connect[run - 1] + 6, m_connect[run - 1] + 7);
        make_result(&b, false, t_connect[run - 1], t_connect[run - 1] + 3, t_connect[run - 1] + 4, t_connect[run - 1] + 5);
        if (run == 4)
            b.error = HTTP_E_TIMEOUT;
        http_summary_add(s, 0, run, &a);
        http_summary_add(s, 0, run, &b);
    }
    snprintf(path, sizeof path, "%s/sum.json", tmpdir);
    struct rec_writer *w = rec_open(&http_summary_schema, &(struct rec_opts){.path = path, .format = REC_JSONL}, err,
                                    sizeof err);
    assert_non_null(w);
    assert_int_equal(http_summary_write(s, &tl, w), 0);
    assert_int_equal(rec_close(w, err, sizeof err), 0);

    struct rec_reader *r = rec_reader_open(path, err, sizeof err);
    assert_non_null(r);
    int c_metric = rec_reader_col(r, "metric"), c_runs = rec_reader_col(r, "runs"), c_delta = rec_reader_col(r, "delta_ms"),
        c_m = rec_reader_col(r, "mptcp_ms"), c_t = rec_reader_col(r, "tcp_ms"), c_err = rec_reader_col(r, "errors");
    int rows = 0;
    while (rec_reader_next(r) == 1) {
        rows++;
        const char *metric = rec_reader_value(r, c_metric, NULL);
        assert_string_equal(rec_reader_value(r, c_runs, NULL), "3");
        assert_string_equal(rec_reader_value(r, c_err, NULL), "1");
        double delta = atof(rec_reader_value(r, c_delta, NULL));
        if (!strcmp(metric, "connect")) {
            /* deltas 2, 3, 10 -> median 3; medians 12 and 9 */
            assert_float_equal(delta, 3.0, 1e-9);
            assert_float_equal(atof(rec_reader_value(r, c_m, NULL)), 12.0, 1e-9);
            assert_float_equal(atof(rec_reader_value(r, c_t, NULL)), 9.0, 1e-9);
        } else if (!strcmp(metric, "tls")) {
            assert_float_equal(delta, 2.0, 1e-9);   /* 5 - 3 every run */
        } else {
            assert_float_equal(delta, 5.0, 1e-9);   /* deltas 4, 5, 12 for ttfb and for total */
        }
    }
    assert_int_equal(rows, 4);
    rec_reader_close(r);

    snprintf(path, sizeof path, "%s/cdf.csv", tmpdir);
    w = rec_open(&http_cdf_schema, &(struct rec_opts){.path = path}, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(http_summary_write_cdf(s, &tl, w), 0);
    assert_int_equal(rec_close(w, err, sizeof err), 0);
    r = rec_reader_open(path, err, sizeof err);
    assert_non_null(r);
    int c_frac = rec_reader_col(r, "fraction"), c_label = rec_reader_col(r, "label");
    rows = 0;
    while (rec_reader_next(r) == 1) {
        rows++;
        assert_string_equal(rec_reader_value(r, c_label, NULL), "*");
        assert_float_equal(atof(rec_reader_value(r, c_frac, NULL)), 1.0, 1e-9);
    }
    assert_int_equal(rows, 4);   /* one target, four metrics */
    rec_reader_close(r);
    http_summary_free(s);
    targets_free(&tl);
}

/* ------------------------------------------------------------ records */

static void test_record_nulls_and_booleans(void **state)
{
    (void)state;
    char path[256], err[256], why[128];
    struct http_targets tl;
    targets_init(&tl);
    uint16_t p80 = 80;
    struct port_list ports = {&p80, 1};
    assert_true(targets_add_text(&tl, "198.18.0.1", &ports, NULL, why, sizeof why));
    snprintf(path, sizeof path, "%s/rec.json", tmpdir);
    struct rec_writer *w = rec_open(&http_schema, &(struct rec_opts){.path = path, .format = REC_JSONL}, err, sizeof err);
    assert_non_null(w);
    struct http_request req = {.port = 80, .mptcp = true};
    struct http_result ok = {.req = &req, .connected = true, .connect_ms = 1.5, .appconnect_ms = NAN,
                             .starttransfer_ms = 2.5, .total_ms = 3.0, .http_status = 200, .body_bytes = 5};
    ok.at_end = (struct mptcp_view){.valid = true, .known = true, .fallback = true, .subflows = 1, .info_errno = 95};
    assert_int_equal(http_output_write(w, &tl.t[0], 1, NULL, &ok), 0);
    struct http_result bad = {.req = &req, .connect_ms = NAN, .appconnect_ms = NAN, .starttransfer_ms = NAN,
                              .total_ms = 1000.2, .error = HTTP_E_TIMEOUT};
    snprintf(bad.error_text, sizeof bad.error_text, "timeout: Connection timed out after 1000 milliseconds");
    assert_int_equal(http_output_write(w, &tl.t[0], 2, NULL, &bad), 0);
    assert_int_equal(rec_close(w, err, sizeof err), 0);

    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "\"mptcp_active\":false"));
    assert_non_null(strstr(line, "\"fallback\":true"));
    assert_non_null(strstr(line, "\"error\":null"));
    assert_non_null(strstr(line, "\"tls_ms\":null"));
    assert_non_null(strstr(line, "\"info_errno\":\"EOPNOTSUPP\""));
    assert_non_null(strstr(line, "\"connect_ms\":1.500"));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "\"mptcp_active\":null"));
    assert_non_null(strstr(line, "\"fallback\":null"));
    assert_non_null(strstr(line, "\"connect_ms\":null"));
    assert_non_null(strstr(line, "\"error\":\"timeout: Connection timed out after 1000 milliseconds\""));
    fclose(f);
    targets_free(&tl);
}

/* ------------------------------------------------------------ netlink events */

/* Appends one attribute (struct nlattr + payload, 4-byte aligned) at buf+*len. */
static void put_attr(uint8_t *buf, size_t *len, uint16_t type, const void *data, uint16_t n)
{
    struct nlattr a = {.nla_len = (uint16_t)(NLA_HDRLEN + n), .nla_type = type};
    memcpy(buf + *len, &a, sizeof a);
    memcpy(buf + *len + NLA_HDRLEN, data, n);
    *len += NLA_ALIGN(NLA_HDRLEN + n);
}

/* An MPTCP_EVENT_ANNOUNCED as include/uapi/linux/mptcp.h describes it:
 * token (u32), rem_id (u8), daddr4 (be32), dport (be16). */
static size_t announced_msg(uint8_t *buf, uint16_t family, uint16_t token_len)
{
    size_t len = NLMSG_HDRLEN;
    struct genlmsghdr g = {.cmd = 6, .version = 1};
    memcpy(buf + len, &g, sizeof g);
    len += GENL_HDRLEN;
    uint32_t token = 0x12345678;
    put_attr(buf, &len, 1, &token, token_len);
    uint8_t rem_id = 3;
    put_attr(buf, &len, 4, &rem_id, 1);
    uint8_t daddr[4] = {198, 19, 255, 166};
    put_attr(buf, &len, 7, daddr, 4);
    uint8_t dport[2] = {0x01, 0xbb};
    put_attr(buf, &len, 10, dport, 2);
    struct nlmsghdr h = {.nlmsg_len = (uint32_t)len, .nlmsg_type = family};
    memcpy(buf, &h, sizeof h);
    return len;
}

static void test_event_parse(void **state)
{
    (void)state;
    uint8_t buf[256] __attribute__((aligned(8)));
    memset(buf, 0, sizeof buf);
    size_t len = announced_msg(buf, 0x1d, 4);
    struct mptcp_event ev;
    assert_true(mptcp_event_parse(buf, len, 0x1d, &ev));
    assert_int_equal(ev.type, MPTCP_EV_ANNOUNCED);
    assert_true(ev.has_token);
    assert_int_equal(ev.token, 0x12345678);
    assert_int_equal(ev.rem_id, 3);
    assert_true(ev.has_daddr);
    char t[IP_ADDR_STRLEN];
    assert_string_equal(ip_addr_format(&ev.daddr, t, sizeof t), "198.19.255.166");
    assert_int_equal(ev.dport, 443);
    /* another family's message, a cut message, a token of the wrong size */
    assert_false(mptcp_event_parse(buf, len, 0x1e, &ev));
    assert_false(mptcp_event_parse(buf, len - 9, 0x1d, &ev));
    assert_false(mptcp_event_parse(buf, 10, 0x1d, &ev));
    memset(buf, 0, sizeof buf);
    len = announced_msg(buf, 0x1d, 2);
    assert_false(mptcp_event_parse(buf, len, 0x1d, &ev));
}

static void test_proc_netstat(void **state)
{
    (void)state;
    const char *text = "TcpExt: SyncookiesSent EmbryonicRsts\nTcpExt: 0 7\n"
                       "MPTcpExt: MPCapableSYNRX MPCapableSYNTX MPCapableSYNTXDisabled\n"
                       "MPTcpExt: 12 34 18446744073709551615\n"
                       "Broken: a b c\nBroken: 1 2\n";
    size_t len = strlen(text);
    uint64_t v = 0;
    assert_true(netstat_counter(text, len, "MPTcpExt", "MPCapableSYNTX", &v));
    assert_int_equal(v, 34);
    assert_true(netstat_counter(text, len, "MPTcpExt", "MPCapableSYNTXDisabled", &v));
    assert_true(v == UINT64_MAX);
    assert_true(netstat_counter(text, len, "TcpExt", "EmbryonicRsts", &v));
    assert_int_equal(v, 7);
    assert_false(netstat_counter(text, len, "MPTcpExt", "MPCapableSYN", &v));   /* a prefix is not a name */
    assert_false(netstat_counter(text, len, "MPTcp", "MPCapableSYNRX", &v));
    assert_false(netstat_counter(text, len, "Broken", "c", &v));              /* value line too short */
    assert_false(netstat_counter(text, len - 12, "Broken", "a", &v));         /* cut before the values */
    assert_false(netstat_counter("MPTcpExt: A\nMPTcpExt: 1x\n", 24, "MPTcpExt", "A", &v));
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The in-memory handshake completes, with and without a store to check the chain against
 * (ASan's leak check covers the clean-up). */
static void test_tls_warmup(void **state)
{
    (void)state;
    assert_int_equal(tls_warmup(NULL), 0);
    X509_STORE *store = X509_STORE_new();
    assert_non_null(store);
    X509_STORE_set_default_paths(store);
    assert_int_equal(tls_warmup(store), 0);
    assert_int_equal(tls_warmup(store), 0);
    X509_STORE_free(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_endpoint),
        cmocka_unit_test(test_targets_text_and_file),
        cmocka_unit_test(test_targets_from_records),
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_summary_pairs),
        cmocka_unit_test(test_record_nulls_and_booleans),
        cmocka_unit_test(test_event_parse),
        cmocka_unit_test(test_proc_netstat),
        cmocka_unit_test(test_tls_warmup),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
