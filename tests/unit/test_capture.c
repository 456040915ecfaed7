/* test_capture.c — capture reader: plain and gzip files give the same packets; truncation is reported, not fatal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "io/capture.h"

static char sample[512];

static const char *shared_dir(void)
{
    const char *s = getenv("SHARED");
    return s ? s : "../shared";
}

/* Reads the whole capture; returns packets read, stores the final status and a
 * checksum over all packet bytes so two readers can be compared. */
static long read_all(const char *path, int *status, uint32_t *crc)
{
    char err[256];
    struct capture *c = capture_open(path, err, sizeof err);
    assert_non_null(c);
    struct capture_pkt p;
    long n = 0;
    *crc = 0;
    while ((*status = capture_next(c, &p)) == 1) {
        n++;
        assert_int_equal(p.frame, (uint64_t)n);
        *crc = (uint32_t)crc32(*crc, p.data, (uInt)p.caplen);
    }
    capture_close(c);
    return n;
}

static long tshark_count(const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "tshark -r '%s' -T fields -e frame.number 2>/dev/null | wc -l", path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    long n = -1;
    assert_int_equal(fscanf(f, "%ld", &n), 1);
    pclose(f);
    return n;
}

static void copy_gzip(const char *src, const char *dst)
{
    FILE *in = fopen(src, "rb");
    assert_non_null(in);
    gzFile out = gzopen(dst, "wb6");
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(gzwrite(out, buf, (unsigned)n), (int)n);
    fclose(in);
    gzclose(out);
}

static void copy_prefix(const char *src, const char *dst, long bytes)
{
    FILE *in = fopen(src, "rb");
    FILE *out = fopen(dst, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    while (bytes > 0) {
        size_t want = bytes < (long)sizeof buf ? (size_t)bytes : sizeof buf;
        size_t n = fread(buf, 1, want, in);
        if (n == 0)
            break;
        fwrite(buf, 1, n, out);
        bytes -= (long)n;
    }
    fclose(in);
    fclose(out);
}

static void plain_matches_tshark_and_gzip(void **state)
{
    (void)state;
    int st;
    uint32_t crc_plain, crc_gz;
    long n = read_all(sample, &st, &crc_plain);
    assert_int_equal(st, 0);
    assert_int_equal(n, tshark_count(sample));

    char gz[] = "/tmp/mpc-capture-XXXXXX";
    int fd = mkstemp(gz);
    assert_true(fd >= 0);
    close(fd);
    copy_gzip(sample, gz);
    long ngz = read_all(gz, &st, &crc_gz);
    assert_int_equal(st, 0);
    assert_int_equal(ngz, n);
    assert_int_equal(crc_gz, crc_plain);
    unlink(gz);
}

static void truncated_file_reports_error_after_good_packets(void **state)
{
    (void)state;
    char cut[] = "/tmp/mpc-capture-cut-XXXXXX";
    int fd = mkstemp(cut);
    assert_true(fd >= 0);
    close(fd);
    copy_prefix(sample, cut, 5000);
    int st;
    uint32_t crc;
    long n = read_all(cut, &st, &crc);
    assert_int_equal(st, -1);
    assert_true(n > 0);
    /* tshark reads the same whole packets before the cut */
    assert_int_equal(n, tshark_count(cut));

    /* the gzip of a truncated file, and a truncated gzip, both end in an error */
    char gz[] = "/tmp/mpc-capture-gz-XXXXXX";
    fd = mkstemp(gz);
    close(fd);
    copy_gzip(sample, gz);
    copy_prefix(gz, cut, 3000);
    long ngz = read_all(cut, &st, &crc);
    assert_int_equal(st, -1);
    assert_true(ngz >= 0);
    unlink(gz);
    unlink(cut);
}

static void bad_inputs_fail_cleanly(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(capture_open("/nonexistent/file.pcap", err, sizeof err));
    assert_true(strlen(err) > 0);
    char junk[] = "/tmp/mpc-capture-junk-XXXXXX";
    int fd = mkstemp(junk);
    assert_true(write(fd, "this is not a capture file at all", 33) == 33);
    close(fd);
    err[0] = 0;
    assert_null(capture_open(junk, err, sizeof err));
    assert_true(strlen(err) > 0);
    unlink(junk);
}

int main(void)
{
    snprintf(sample, sizeof sample, "%s/data/pcaps/tcpdump/mptcp-v0.pcap", shared_dir());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_matches_tshark_and_gzip),
        cmocka_unit_test(truncated_file_reports_error_after_good_packets),
        cmocka_unit_test(bad_inputs_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
