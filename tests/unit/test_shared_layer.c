/* test_shared_layer.c — cli/args value parsers and option tables, io/json, io/record, io/record_read, io/outfile and io/instream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "io/instream.h"
#include "io/json.h"
#include "io/outfile.h"
#include "io/record.h"
#include "io/record_read.h"
#include "net/mptcp.h"

static char tmpdir[] = "/tmp/mpc-shared-XXXXXX";

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    *n = fread(buf, 1, (1 << 20) - 1, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

static void path_in_tmp(char *buf, size_t len, const char *name) { snprintf(buf, len, "%s/%s", tmpdir, name); }

/* ------------------------------------------------------------ value parsers */

static void test_numbers(void **state)
{
    (void)state;
    char why[128];
    uint64_t u;
    assert_true(args_parse_u64("42", 0, 100, &u, why, sizeof why));
    assert_int_equal(u, 42);
    assert_true(args_parse_u64("0x1f", 0, 100, &u, why, sizeof why));
    assert_int_equal(u, 31);
    assert_false(args_parse_u64("x", 0, 100, &u, why, sizeof why));
    assert_string_equal(why, "not a number");
    assert_false(args_parse_u64("-1", 0, 100, &u, why, sizeof why));
    assert_string_equal(why, "must not be negative");
    assert_false(args_parse_u64("101", 0, 100, &u, why, sizeof why));
    assert_string_equal(why, "must be at most 100");
    assert_false(args_parse_u64("99999999999999999999999", 0, UINT64_MAX, &u, why, sizeof why));
    assert_non_null(strstr(why, "too large"));
    assert_false(args_parse_u64("", 0, 1, &u, why, sizeof why));
    assert_false(args_parse_u64(" 5", 0, 10, &u, why, sizeof why));

    int64_t i;
    assert_true(args_parse_i64("-7", -10, 10, &i, why, sizeof why));
    assert_int_equal(i, -7);
    assert_false(args_parse_i64("-11", -10, 10, &i, why, sizeof why));

    double d;
    assert_true(args_parse_duration("250ms", 0, 10, &d, why, sizeof why));
    assert_true(d > 0.2499 && d < 0.2501);
    assert_true(args_parse_duration("2m", 0, 1000, &d, why, sizeof why));
    assert_true(d == 120);
    assert_true(args_parse_duration("3", 0, 10, &d, why, sizeof why));
    assert_true(d == 3);
    assert_false(args_parse_duration("3 parsecs", 0, 10, &d, why, sizeof why));
    assert_false(args_parse_duration("5x", 0, 10, &d, why, sizeof why));
    assert_non_null(strstr(why, "unknown unit"));

    assert_true(args_parse_si("50k", 0, 0, UINT64_MAX, &u, why, sizeof why));
    assert_int_equal(u, 50000);
    assert_true(args_parse_si("1.5M", 0, 0, UINT64_MAX, &u, why, sizeof why));
    assert_int_equal(u, 1500000);
    assert_true(args_parse_si("10Mb", 'b', 0, UINT64_MAX, &u, why, sizeof why));
    assert_int_equal(u, 10000000);
    assert_true(args_parse_si("18446744073709551615", 0, 0, UINT64_MAX, &u, why, sizeof why));
    assert_true(u == UINT64_MAX);
    assert_false(args_parse_si("1.5", 0, 0, UINT64_MAX, &u, why, sizeof why));
    assert_false(args_parse_si("3T", 0, 0, UINT64_MAX, &u, why, sizeof why));

    uint64_t key;
    assert_true(args_parse_key64("0c0c0c0c0c0c0c0c", &key, why, sizeof why));
    assert_true(key == 0x0c0c0c0c0c0c0c0cull);
    assert_true(args_parse_key64("0xFFFFFFFFFFFFFFFF", &key, why, sizeof why));
    assert_false(args_parse_key64("0c0c", &key, why, sizeof why));
    assert_non_null(strstr(why, "16 hex digits"));
    assert_false(args_parse_key64("0c0c0c0c0c0c0c0g", &key, why, sizeof why));

    int m;
    assert_true(args_parse_month("2024-03", &m, why, sizeof why));
    assert_int_equal(m, 2024 * 12 + 2);
    assert_false(args_parse_month("2024-13", &m, why, sizeof why));
    assert_false(args_parse_month("2024-3", &m, why, sizeof why));

    uint8_t mac[6];
    assert_true(args_parse_mac("02:00:00:aa:BB:cc", mac, why, sizeof why));
    assert_int_equal(mac[5], 0xcc);
    assert_false(args_parse_mac("02:00:00:aa:bb", mac, why, sizeof why));
}

static void test_ports_and_addresses(void **state)
{
    (void)state;
    char why[128];
    struct port_list pl;
    assert_true(args_parse_ports("443,80,443,1-3", &pl, why, sizeof why));
    assert_int_equal(pl.n, 5);
    assert_int_equal(pl.ports[0], 443);
    assert_int_equal(pl.ports[1], 80);
    assert_int_equal(pl.ports[4], 3);
    args_ports_free(&pl);
    assert_true(args_parse_ports("1-65535", &pl, why, sizeof why));   /* a census may scan every port */
    assert_int_equal(pl.n, 65535);
    args_ports_free(&pl);
    assert_false(args_parse_ports("0", &pl, why, sizeof why));
    assert_non_null(strstr(why, "'0' is not a port"));
    assert_false(args_parse_ports("80-20", &pl, why, sizeof why));
    assert_non_null(strstr(why, "backwards"));
    assert_false(args_parse_ports("80,", &pl, why, sizeof why));
    assert_false(args_parse_ports("http", &pl, why, sizeof why));

    struct addr_ranges ar = {0};
    assert_true(args_parse_addr_ranges("198.19.255.1-198.19.255.4,2001:db8::1,198.18.0.0/30", &ar, why, sizeof why));
    assert_int_equal(ar.n, 3);
    char a[64];
    assert_string_equal(ip_addr_format(&ar.r[0].hi, a, sizeof a), "198.19.255.4");
    assert_string_equal(ip_addr_format(&ar.r[2].hi, a, sizeof a), "198.18.0.3");
    args_addr_ranges_free(&ar);
    assert_false(args_parse_addr_ranges("198.18.0.1-2001:db8::1", &ar, why, sizeof why));
    assert_non_null(strstr(why, "mixes"));
    args_addr_ranges_free(&ar);
    assert_false(args_parse_addr_ranges("198.18.0.9-198.18.0.1", &ar, why, sizeof why));
    args_addr_ranges_free(&ar);

    struct ip_prefix p;
    assert_true(args_parse_cidr("2001:db8::/32", false, &p, why, sizeof why));
    assert_int_equal(p.len, 32);
    assert_false(args_parse_cidr("198.18.0.1/15", false, &p, why, sizeof why));
    assert_non_null(strstr(why, "host bits"));
    assert_true(args_parse_cidr("198.18.0.1/15", true, &p, why, sizeof why));
    assert_string_equal(ip_prefix_format(&p, a, sizeof a), "198.18.0.0/15");
    struct ip_addr in;
    assert_true(ip_addr_parse("198.19.3.4", &in));
    assert_true(ip_prefix_contains(&p, &in));
    assert_true(ip_addr_parse("198.20.0.0", &in));
    assert_false(ip_prefix_contains(&p, &in));
    assert_false(args_parse_cidr("198.18.0.0/33", false, &p, why, sizeof why));

    static const char *const fmts[] = {"csv", "json", NULL};
    int idx;
    assert_true(args_parse_choice("json", fmts, &idx, why, sizeof why));
    assert_int_equal(idx, 1);
    assert_false(args_parse_choice("xml", fmts, &idx, why, sizeof why));
    assert_string_equal(why, "one of csv, json");
}

/* ------------------------------------------------------------ option tables */

static bool flag_q;
static uint64_t rate;
static const char *outpath;
static struct port_list ports;
static int fmt;
static bool rate_seen;
static const char *const formats[] = {"csv", "json", NULL};

static const struct arg_opt opts[] = {
    {'r', "rate", "PPS", ARG_SI, &rate, "packets per second, suffixes k, M, G", "Sending", .max = 1000000, .seen = &rate_seen},
    {'q', "quiet", NULL, ARG_FLAG, &flag_q, "no status line", "Output"},
    {'o', "output-file", "FILE", ARG_STRING, &outpath, "records to FILE"},
    {'p', "target-ports", "PORTS", ARG_PORTS, &ports, "ports to scan"},
    {'O', "output-module", "FMT", ARG_CHOICE, &fmt, "csv or json", .choices = formats},
    ARG_END,
};
static const struct arg_section sections[] = {
    {"Exit status", "0 success, 1 failure, 2 usage error."},
    {"Example", "  mpcensus demo -r 10k -p 80,443 198.18.0.0/24"},
    {NULL, NULL},
};
static const struct arg_cmd cmd = {
    .name = "demo",
    .summary = "a test command",
    .synopsis = "[options] TARGET...",
    .description = "Does nothing but parse.\n\nA second paragraph with a -dash.",
    .opts = opts,
    .sections = sections,
};

static int run_parse(const char *line, int *first)
{
    static char buf[512];
    static char *argv[32];
    snprintf(buf, sizeof buf, "%s", line);
    int argc = 0;
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    argv[argc] = NULL;
    flag_q = rate_seen = false;
    rate = 0;
    outpath = NULL;
    fmt = 0;
    args_ports_free(&ports);
    int rc = args_parse(&cmd, argc, argv, first);
    return rc;
}

static void test_option_table(void **state)
{
    (void)state;
    int first;
    assert_int_equal(run_parse("demo -r 10k 198.18.0.0/24 -q --output-file=x.csv -p 80,443 -O json", &first), ARGS_OK);
    assert_int_equal(rate, 10000);
    assert_true(rate_seen);
    assert_true(flag_q);
    assert_string_equal(outpath, "x.csv");
    assert_int_equal(ports.n, 2);
    assert_int_equal(fmt, 1);
    assert_int_equal(first, 9);   /* the operand was moved behind the options */
    assert_int_equal(run_parse("demo --rat 5 --output-f y", &first), ARGS_OK);   /* unambiguous prefixes */
    assert_int_equal(rate, 5);
    assert_string_equal(outpath, "y");
    assert_int_equal(run_parse("demo --outp y", &first), ARGS_USAGE);   /* output-file or output-module */
    assert_int_equal(run_parse("demo -- -r", &first), ARGS_OK);
    assert_false(rate_seen);
    assert_int_equal(run_parse("demo -r 2M", &first), ARGS_USAGE);       /* above max */
    assert_int_equal(run_parse("demo -r", &first), ARGS_USAGE);          /* missing value */
    assert_int_equal(run_parse("demo --bogus", &first), ARGS_USAGE);
    assert_int_equal(run_parse("demo -x", &first), ARGS_USAGE);
    assert_int_equal(run_parse("demo -O xml", &first), ARGS_USAGE);
    args_ports_free(&ports);
}

static void test_help_and_man(void **state)
{
    (void)state;
    char path[256];
    path_in_tmp(path, sizeof path, "help.txt");
    FILE *f = fopen(path, "w");
    args_usage(&cmd, f);
    fclose(f);
    size_t n;
    char *help = slurp(path, &n);
    assert_non_null(strstr(help, "usage: mpcensus demo [options] TARGET..."));
    assert_non_null(strstr(help, "\nSending:\n  -r, --rate=PPS"));
    assert_non_null(strstr(help, "  -o, --output-file=FILE"));
    assert_non_null(strstr(help, "  -h, --help"));
    assert_non_null(strstr(help, "\nExit status:\n0 success"));
    assert_non_null(strstr(help, "\n  mpcensus demo -r 10k -p 80,443 198.18.0.0/24\n"));
    for (char *line = help; *line;) {   /* nothing wider than 79 columns (the example is verbatim) */
        char *nl = strchr(line, '\n');
        assert_true((nl ? (size_t)(nl - line) : strlen(line)) <= 79);
        line = nl ? nl + 1 : line + strlen(line);
    }
    free(help);

    path_in_tmp(path, sizeof path, "man.1");
    f = fopen(path, "w");
    args_man(&cmd, "0.1.0", "2026-12-01", f);
    fclose(f);
    char *man = slurp(path, &n);
    assert_non_null(strstr(man, ".TH MPCENSUS-DEMO 1 \"2026-12-01\""));
    assert_non_null(strstr(man, "mpcensus\\-demo \\- a test command"));
    assert_non_null(strstr(man, "\\fB\\-r\\fR, \\fB\\-\\-rate\\fR=\\fIPPS\\fR"));
    assert_non_null(strstr(man, ".SS Sending"));
    assert_non_null(strstr(man, ".SH EXIT STATUS"));
    assert_non_null(strstr(man, ".nf\n  mpcensus demo \\-r 10k"));
    assert_non_null(strstr(man, "with a \\-dash"));
    free(man);
}

/* ------------------------------------------------------------ JSON builder */

static void test_json_layouts(void **state)
{
    (void)state;
    struct json j;
    json_init(&j);
    json_obj_begin(&j, JSON_COMPACT);
    json_kv_u64(&j, "frame", 7);
    json_key(&j, "s");
    json_str(&j, "a\"b\\c\n\x01\xc3\xa9");
    json_key(&j, "list");
    json_arr_begin(&j, JSON_COMPACT);
    json_u64(&j, 1);
    json_null(&j);
    json_bool(&j, true);
    json_arr_end(&j);
    json_kv_double(&j, "x", 0.5, 3);
    json_kv_double(&j, "nan", 0.0 / 0.0, 3);
    json_obj_end(&j);
    assert_string_equal(json_data(&j),
                        "{\"frame\":7,\"s\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\",\"list\":[1,null,true],\"x\":0.500,\"nan\":null}");
    json_reset(&j);
    json_obj_begin(&j, JSON_MULTILINE);
    json_kv_str(&j, "tool", "t");
    json_key(&j, "by");
    json_obj_begin(&j, JSON_SPACED);
    json_kv_u64(&j, "0", 1);
    json_kv_u64(&j, "1", 2);
    json_obj_end(&j);
    json_key(&j, "rows");
    json_arr_begin(&j, JSON_MULTILINE);
    json_obj_begin(&j, JSON_SPACED);
    json_kv_u64(&j, "a", 1);
    json_obj_end(&j);
    json_arr_end(&j);
    json_key(&j, "empty");
    json_arr_begin(&j, JSON_MULTILINE);
    json_arr_end(&j);
    json_obj_end(&j);
    assert_string_equal(json_data(&j), "{\n  \"tool\": \"t\",\n  \"by\": {\"0\": 1, \"1\": 2},\n  \"rows\": [\n"
                                       "    {\"a\": 1}\n  ],\n  \"empty\": []\n}");
    assert_false(json_failed(&j));
    json_reset(&j);
    json_obj_end(&j);   /* unbalanced: marked, not a crash */
    assert_true(json_failed(&j));
    json_free(&j);
}

/* ------------------------------------------------------------ records */

enum { R_ADDR, R_PORT, R_NAME, R_OK_, R_LIST, R_N };
static const struct rec_field fields[R_N] = {
    {"addr", REC_STR, "address"}, {"port", REC_NUM, "port"}, {"name", REC_STR, "a name"},
    {"ok", REC_BOOL, "flag"},     {"list", REC_JSON, "nested"},
};
static const struct rec_schema schema = {"test", fields, R_N};

static void fill_rows(struct rec_writer *w)
{
    rec_set_str(w, R_ADDR, "198.18.0.1");
    rec_set_u64(w, R_PORT, 80);
    rec_set_str(w, R_NAME, "plain");
    rec_set_bool(w, R_OK_, true);
    rec_set_json(w, R_LIST, "[1,2]", 5);
    assert_int_equal(rec_emit(w), 0);
    rec_set_str(w, R_ADDR, "2001:db8::1");
    rec_set_u64(w, R_PORT, 443);
    rec_set_str(w, R_NAME, "a,\"quoted\"\nname");
    rec_set_bool(w, R_OK_, false);
    assert_int_equal(rec_emit(w), 0);   /* list unset: empty / null */
}

/* The -f check a command makes before creating files: rec_open's verdict, without a writer. */
static void test_record_fields_valid(void **state)
{
    (void)state;
    char err[4096];
    assert_true(rec_fields_valid(&schema, NULL, err, sizeof err));
    assert_true(rec_fields_valid(&schema, "*", err, sizeof err));
    assert_true(rec_fields_valid(&schema, "port, addr,port", err, sizeof err));
    assert_false(rec_fields_valid(&schema, "addr,nope", err, sizeof err));
    assert_non_null(strstr(err, "unknown output field 'nope'"));
    assert_non_null(strstr(err, "addr,port,name,ok,list"));
    assert_false(rec_fields_valid(&schema, " , ", err, sizeof err));
    assert_string_equal(err, "no output fields selected");
}

static void test_record_writer_and_reader(void **state)
{
    (void)state;
    char csv[256], jsonl[256], err[256];
    path_in_tmp(csv, sizeof csv, "r.csv");
    path_in_tmp(jsonl, sizeof jsonl, "r.jsonl");
    struct rec_writer *w = rec_open(&schema, &(struct rec_opts){.path = csv, .format = REC_CSV}, err, sizeof err);
    assert_non_null(w);
    fill_rows(w);
    assert_int_equal(rec_count(w), 2);
    assert_int_equal(rec_close(w, err, sizeof err), 0);
    size_t n;
    char *text = slurp(csv, &n);
    assert_string_equal(text, "addr,port,name,ok,list\n198.18.0.1,80,plain,1,\"[1,2]\"\n"
                              "2001:db8::1,443,\"a,\"\"quoted\"\"\nname\",0,\n");
    free(text);

    w = rec_open(&schema, &(struct rec_opts){.path = jsonl, .format = REC_JSONL, .fields = "port,addr,list,ok,name"},
                 err, sizeof err);
    assert_non_null(w);
    fill_rows(w);
    assert_int_equal(rec_close(w, err, sizeof err), 0);
    text = slurp(jsonl, &n);
    assert_string_equal(text, "{\"port\":80,\"addr\":\"198.18.0.1\",\"list\":[1,2],\"ok\":true,\"name\":\"plain\"}\n"
                              "{\"port\":443,\"addr\":\"2001:db8::1\",\"list\":null,\"ok\":false,"
                              "\"name\":\"a,\\\"quoted\\\"\\nname\"}\n");
    free(text);

    assert_null(rec_open(&schema, &(struct rec_opts){.path = csv, .fields = "addr,bogus"}, err, sizeof err));
    assert_non_null(strstr(err, "unknown output field 'bogus'"));
    assert_non_null(strstr(err, "addr,port,name,ok,list"));

    /* both files read back to the same values */
    const char *paths[] = {csv, jsonl};
    for (int k = 0; k < 2; k++) {
        struct rec_reader *r = rec_reader_open(paths[k], err, sizeof err);
        assert_non_null(r);
        assert_int_equal(rec_reader_format(r), k ? REC_JSONL : REC_CSV);
        int c_name = rec_reader_col(r, "name"), c_port = rec_reader_col(r, "port"),
            c_list = rec_reader_col(r, "list"), c_missing = rec_reader_col(r, "missing");
        assert_int_equal(rec_reader_next(r), 1);
        assert_string_equal(rec_reader_value(r, c_port, NULL), "80");
        assert_string_equal(rec_reader_value(r, c_list, NULL), "[1,2]");
        assert_null(rec_reader_value(r, c_missing, NULL));
        assert_int_equal(rec_reader_next(r), 1);
        assert_string_equal(rec_reader_value(r, c_name, NULL), "a,\"quoted\"\nname");
        assert_null(rec_reader_value(r, c_list, NULL));
        assert_int_equal(rec_reader_next(r), 0);
        assert_int_equal(rec_reader_rows(r), 2);
        assert_false(rec_reader_failed(r));
        rec_reader_close(r);
    }
}

static void test_reader_bad_rows_and_compression(void **state)
{
    (void)state;
    char path[256], err[256], cmdline[1024];
    path_in_tmp(path, sizeof path, "bad.csv");
    FILE *f = fopen(path, "w");
    fputs("a,b\n1,2\n1,2,3\n\"open,4\n5,6\n", f);
    fclose(f);
    struct rec_reader *r = rec_reader_open(path, err, sizeof err);
    assert_non_null(r);
    int a = rec_reader_col(r, "a");
    assert_int_equal(rec_reader_next(r), 1);
    assert_int_equal(rec_reader_next(r), -1);
    assert_non_null(strstr(rec_reader_error(r), "bad.csv:3: 3 fields where the header has 2"));
    /* the unterminated quote swallows the rest: one bad row, then the end */
    assert_int_equal(rec_reader_next(r), -1);
    assert_non_null(strstr(rec_reader_error(r), ":4:"));
    assert_int_equal(rec_reader_next(r), 0);
    assert_int_equal(rec_reader_bad_rows(r), 2);
    (void)a;
    rec_reader_close(r);

    path_in_tmp(path, sizeof path, "bad.jsonl");
    f = fopen(path, "w");
    fputs("{\"a\":1,\"s\":\"x\\u00e9\"}\n{\"a\":\n\n{\"a\":2,\"b\":{\"n\":[1,\"}\"]}}\n", f);
    fclose(f);
    r = rec_reader_open(path, err, sizeof err);
    assert_non_null(r);
    int ca = rec_reader_col(r, "a"), cs = rec_reader_col(r, "s"), cb = rec_reader_col(r, "b");
    assert_int_equal(rec_reader_next(r), 1);
    assert_string_equal(rec_reader_value(r, cs, NULL), "x\xc3\xa9");
    assert_int_equal(rec_reader_next(r), -1);
    assert_int_equal(rec_reader_next(r), 1);
    assert_string_equal(rec_reader_value(r, ca, NULL), "2");
    assert_string_equal(rec_reader_value(r, cb, NULL), "{\"n\":[1,\"}\"]}");
    assert_null(rec_reader_value(r, cs, NULL));   /* not carried over from the first row */
    assert_int_equal(rec_reader_next(r), 0);
    rec_reader_close(r);

    /* gzip, zstd and xz read the same as the plain file, also through a pipe */
    path_in_tmp(path, sizeof path, "plain.csv");
    f = fopen(path, "w");
    fputs("x,y\n", f);
    for (int i = 0; i < 20000; i++)
        fprintf(f, "%d,%d\n", i, 2 * i);
    fclose(f);
    const char *tools[] = {"gzip", "zstd -q", "xz"};
    const char *ext[] = {"gz", "zst", "xz"};
    for (int t = 0; t < 3; t++) {
        snprintf(cmdline, sizeof cmdline, "%s -c %s > %s.%s", tools[t], path, path, ext[t]);
        if (system(cmdline) != 0) {
            fprintf(stderr, "skipping %s: tool missing\n", tools[t]);
            continue;
        }
        char zpath[300];
        snprintf(zpath, sizeof zpath, "%s.%s", path, ext[t]);
        r = rec_reader_open(zpath, err, sizeof err);
        assert_non_null(r);
        int cy = rec_reader_col(r, "y");
        long sum = 0;
        int rc;
        while ((rc = rec_reader_next(r)) == 1)
            sum += atol(rec_reader_value(r, cy, NULL));
        assert_int_equal(rc, 0);
        assert_int_equal(rec_reader_rows(r), 20000);
        assert_int_equal(sum, 2L * 19999 * 20000 / 2);
        rec_reader_close(r);
        /* truncated compressed data is an error, never a silent short read */
        snprintf(cmdline, sizeof cmdline, "head -c 3000 %s > %s.cut", zpath, zpath);
        assert_int_equal(system(cmdline), 0);
        snprintf(zpath + strlen(zpath), sizeof zpath - strlen(zpath), ".cut");
        FILE *in = instream_open(zpath, err, sizeof err);
        assert_non_null(in);
        char line[256];
        while (fgets(line, sizeof line, in))
            ;
        assert_int_equal(instream_close(in, err, sizeof err), -1);
        assert_true(strlen(err) > 0);
    }
    /* a size limit stops an endless input */
    FILE *in = instream_open_limited("/dev/zero", 1 << 20, err, sizeof err);
    assert_non_null(in);
    char buf[65536];
    size_t total = 0, got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        total += got;
    assert_true(total <= (1 << 20));
    assert_int_equal(instream_close(in, err, sizeof err), -1);
    assert_non_null(strstr(err, "larger than 1048576 bytes"));
}

static void test_outfile_errors(void **state)
{
    (void)state;
    char err[256];
    struct outfile *f = outfile_open("/dev/full", err, sizeof err);
    assert_non_null(f);
    assert_int_equal(outfile_puts(f, "a line\n"), 0);   /* buffered */
    assert_int_equal(outfile_close(f, err, sizeof err), -1);
    assert_string_equal(err, "/dev/full: No space left on device");
    assert_null(outfile_open("/nonexistent-dir/x", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-dir/x: No such file or directory"));

    /* whole lines only: a partial line is held back by flush_lines */
    char path[256];
    path_in_tmp(path, sizeof path, "lines.txt");
    f = outfile_open(path, err, sizeof err);
    outfile_puts(f, "one\ntw");
    assert_int_equal(outfile_flush_lines(f), 0);
    size_t n;
    char *text = slurp(path, &n);
    assert_string_equal(text, "one\n");
    free(text);
    outfile_printf(f, "o %d\n", 2);
    assert_int_equal(outfile_close(f, err, sizeof err), 0);
    text = slurp(path, &n);
    assert_string_equal(text, "one\ntwo 2\n");
    free(text);

    struct rec_writer *w = rec_open(&schema, &(struct rec_opts){.path = "/dev/full"}, err, sizeof err);
    assert_non_null(w);
    for (int i = 0; i < 10000 && rec_emit(w) == 0; i++)
        rec_set_str(w, R_NAME, "filling the buffer until a write fails");
    assert_true(rec_failed(w));
    assert_int_equal(rec_close(w, err, sizeof err), -1);
    assert_string_equal(err, "/dev/full: No space left on device");
}

static void test_mptcp_capable_view(void **state)
{
    (void)state;
    struct mptcp_capable m;
    /* NOP NOP, MP_CAPABLE v1 SYN-ACK with a key */
    const uint8_t synack[] = {1, 1, 30, 12, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_true(mptcp_capable_find(synack, sizeof synack, &m));
    assert_int_equal(m.version, 1);
    assert_int_equal(m.len, 12);
    assert_false(m.cut);
    assert_true(m.has_sender_key);
    assert_true(m.sender_key == 0x0102030405060708ull);
    /* cut by the option area: reported, key absent */
    const uint8_t cut[] = {30, 12, 0x00, 0x81, 0xaa, 0xbb};
    assert_true(mptcp_capable_find(cut, sizeof cut, &m));
    assert_true(m.cut);
    assert_int_equal(m.avail, 6);
    assert_false(m.has_sender_key);
    /* an MP_JOIN is not MP_CAPABLE */
    const uint8_t join[] = {30, 12, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_false(mptcp_capable_find(join, sizeof join, &m));
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmdline[300];
    snprintf(cmdline, sizeof cmdline, "rm -rf %s", tmpdir);
    return system(cmdline) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_ports_and_addresses),
        cmocka_unit_test(test_option_table),
        cmocka_unit_test(test_help_and_man),
        cmocka_unit_test(test_json_layouts),
        cmocka_unit_test(test_record_writer_and_reader),
        cmocka_unit_test(test_record_fields_valid),
        cmocka_unit_test(test_reader_bad_rows_and_compression),
        cmocka_unit_test(test_outfile_errors),
        cmocka_unit_test(test_mptcp_capable_view),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
