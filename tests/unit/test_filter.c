/* test_filter.c — cli/filter: ZMap's filter grammar (precedence, parentheses, operators, text and number fields, closed vocabularies) and its errors; random expression trees printed as text must evaluate like the trees themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/filter.h"

/* A record of the test: two text fields (one with a closed set) and three numbers, one optional. */
struct rec {
    const char *verdict, *saddr;
    unsigned long long ttl, port;
    bool has_version;
    unsigned long long version;
};

static const char *const verdicts[] = {"mptcp", "mirrored", "tcp", "closed", "version-mismatch", NULL};
static const struct filter_field fields[] = {
    {"verdict", FILTER_STR, verdicts},
    {"saddr", FILTER_STR, NULL},
    {"ttl", FILTER_NUM, NULL},
    {"port", FILTER_NUM, NULL},
    {"version", FILTER_NUM, NULL},
};

static void get(const void *r, unsigned field, struct filter_value *v)
{
    const struct rec *x = r;
    v->present = true;
    switch (field) {
    case 0: v->str = x->verdict; break;
    case 1: v->str = x->saddr; break;
    case 2: v->num = x->ttl; break;
    case 3: v->num = x->port; break;
    case 4:
        v->present = x->has_version;
        v->num = x->version;
        break;
    }
}

static bool match(const char *expr, const struct rec *r)
{
    char why[512] = "";
    struct filter *f = filter_compile(expr, fields, 5, why, sizeof why);
    if (!f)
        fail_msg("'%s' did not compile: %s", expr, why);
    bool m = filter_match(f, get, r);
    filter_free(f);
    return m;
}

/* The error text of an expression that must not compile. */
static const char *error_of(const char *expr)
{
    static char why[512];
    why[0] = '\0';
    struct filter *f = filter_compile(expr, fields, 5, why, sizeof why);
    if (f) {
        filter_free(f);
        fail_msg("'%s' compiled", expr);
    }
    return why;
}

static const struct rec mp = {"mptcp", "198.18.0.7", 61, 443, true, 1};
static const struct rec tc = {"tcp", "2001:db8::9", 250, 80, false, 0};

static void test_operators(void **state)
{
    (void)state;
    assert_true(match("verdict = mptcp", &mp));
    assert_true(match("verdict == mptcp", &mp));
    assert_false(match("verdict = mptcp", &tc));
    assert_true(match("verdict != mptcp", &tc));
    assert_true(match("verdict=mptcp", &mp));                  /* spaces are optional */
    assert_true(match("saddr = 198.18.0.7", &mp));              /* dots in a bare word */
    assert_true(match("saddr = 2001:db8::9", &tc));             /* and colons */
    assert_true(match("saddr = \"198.18.0.7\"", &mp));          /* quoted */
    assert_true(match("verdict = version-mismatch || ttl = 61", &mp));
    assert_true(match("ttl > 60", &mp));
    assert_false(match("ttl > 61", &mp));
    assert_true(match("ttl >= 61", &mp));
    assert_true(match("ttl < 62", &mp));
    assert_false(match("ttl < 61", &mp));
    assert_true(match("ttl <= 61", &mp));
    assert_true(match("ttl != 60", &mp));
    assert_true(match("port = 0x1bb", &mp));                    /* hex, as args_parse_u64 reads it */
    /* a value the record lacks matches no comparison on it, != included */
    assert_true(match("version = 1", &mp));
    assert_false(match("version = 0", &tc));
    assert_false(match("version != 1", &tc));
    assert_false(match("version < 9", &tc));
}

static void test_precedence_and_grouping(void **state)
{
    (void)state;
    /* && binds tighter: a || (b && c) */
    assert_true(match("verdict = mptcp || verdict = tcp && ttl = 1", &mp));
    assert_false(match("(verdict = mptcp || verdict = tcp) && ttl = 1", &mp));
    assert_true(match("ttl = 1 && port = 1 || verdict = mptcp", &mp));
    assert_false(match("ttl = 1 && (port = 1 || verdict = mptcp)", &mp));
    assert_true(match("((verdict = mptcp))", &mp));
    assert_true(match("(verdict = tcp || verdict = mptcp) && (port = 443 && (ttl > 60))", &mp));
    assert_true(match("verdict = mptcp || verdict = mirrored", &mp));
    assert_false(match("verdict = mptcp || verdict = mirrored", &tc));
}

static void test_errors(void **state)
{
    (void)state;
    assert_non_null(strstr(error_of("verdic = mptcp"), "unknown field 'verdic'"));
    assert_non_null(strstr(error_of("verdic = mptcp"), "fields: verdict, saddr, ttl, port, version"));
    assert_non_null(strstr(error_of("verdict = mptc"), "verdict has no value 'mptc'"));
    assert_non_null(strstr(error_of("verdict = mptc"), "values: mptcp, mirrored"));
    assert_non_null(strstr(error_of("verdict > mptcp"), "only = and != compare it"));
    assert_non_null(strstr(error_of("ttl = sixty"), "'ttl' is a number field: bad value 'sixty'"));
    assert_non_null(strstr(error_of("ttl = -1"), "bad value '-1'"));
    assert_non_null(strstr(error_of("(ttl = 1"), "the '(' at offset 0 is not closed"));
    assert_non_null(strstr(error_of("ttl = 1)"), "unexpected ')' at offset 7"));
    assert_non_null(strstr(error_of("ttl = 1 & port = 2"), "write && or ||"));
    assert_non_null(strstr(error_of("ttl = 1 ||"), "expected a field name at offset 10"));
    assert_non_null(strstr(error_of("ttl ="), "expected a value at offset 5"));
    assert_non_null(strstr(error_of("ttl 5"), "expected =, !=, <, >, <= or >= after 'ttl' at offset 4"));
    assert_non_null(strstr(error_of("saddr = \"198.18"), "unterminated"));
    assert_non_null(strstr(error_of("   "), "empty expression"));
    assert_non_null(strstr(error_of("ttl = 1 port = 2"), "unexpected 'p' at offset 8"));
}

/* ---- random trees: the expected value comes from the tree, the parser only sees the text */

struct tree {
    int kind;          /* 0 leaf, 1 and, 2 or */
    int l, r;
    int field;         /* leaf: 2 ttl or 3 port */
    int op;            /* 0 = .. 5 >= */
    unsigned value;
};

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static struct tree nodes[64];
static int n_nodes;

static int grow(int depth)
{
    int id = n_nodes++;
    struct tree *t = &nodes[id];
    if (depth == 0 || rnd(3) == 0) {
        *t = (struct tree){.kind = 0, .field = 2 + (int)rnd(2), .op = (int)rnd(6), .value = rnd(5)};
    } else {
        int l = grow(depth - 1), r = grow(depth - 1);
        nodes[id] = (struct tree){.kind = 1 + (int)rnd(2), .l = l, .r = r};
    }
    return id;
}

static bool truth(int id, const struct rec *r)
{
    const struct tree *t = &nodes[id];
    if (t->kind == 1)
        return truth(t->l, r) && truth(t->r, r);
    if (t->kind == 2)
        return truth(t->l, r) || truth(t->r, r);
    unsigned long long v = t->field == 2 ? r->ttl : r->port;
    switch (t->op) {
    case 0: return v == t->value;
    case 1: return v != t->value;
    case 2: return v < t->value;
    case 3: return v > t->value;
    case 4: return v <= t->value;
    default: return v >= t->value;
    }
}

/* Prints the tree fully parenthesised where precedence needs it (and sometimes where it does not). */
static void print(int id, int parent_kind, char *buf, size_t *at, size_t cap)
{
    static const char *const ops[] = {"=", "!=", "<", ">", "<=", ">="};
    const struct tree *t = &nodes[id];
    if (t->kind == 0) {
        *at += (size_t)snprintf(buf + *at, cap - *at, "%s%s%s%u", t->field == 2 ? "ttl" : "port",
                                rnd(2) ? " " : "", rnd(2) && t->op == 0 ? "==" : ops[t->op], t->value);
        return;
    }
    /* an || under an && needs parentheses; anything else may have them */
    bool paren = (parent_kind == 1 && t->kind == 2) || rnd(4) == 0;
    if (paren)
        *at += (size_t)snprintf(buf + *at, cap - *at, "(");
    print(t->l, t->kind, buf, at, cap);
    *at += (size_t)snprintf(buf + *at, cap - *at, t->kind == 1 ? " && " : (rnd(2) ? " || " : "||"));
    /* the right child of the same operator: left-assoc is equivalent, but an || under && still needs () */
    print(t->r, t->kind, buf, at, cap);
    if (paren)
        *at += (size_t)snprintf(buf + *at, cap - *at, ")");
}

static void test_random_trees(void **state)
{
    (void)state;
    unsigned checked = 0;
    for (int round = 0; round < 3000; round++) {
        n_nodes = 0;
        int root = grow(4);
        char text[4096];
        size_t at = 0;
        print(root, 0, text, &at, sizeof text);
        char why[256];
        struct filter *f = filter_compile(text, fields, 5, why, sizeof why);
        if (!f)
            fail_msg("'%s': %s", text, why);
        for (unsigned ttl = 0; ttl < 5; ttl++)
            for (unsigned port = 0; port < 5; port++) {
                struct rec r = {"tcp", "x", ttl, port, false, 0};
                if (filter_match(f, get, &r) != truth(root, &r))
                    fail_msg("'%s' with ttl=%u port=%u: filter says %d", text, ttl, port, !truth(root, &r));
                checked++;
            }
        filter_free(f);
    }
    assert_int_equal(checked, 3000 * 25);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_precedence_and_grouping),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_random_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
