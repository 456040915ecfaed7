/* errmsg.h — fills a caller's (err, errlen) buffer with a formatted reason and returns the failure value, the tree's one error-reporting convention below the CLI. */
#ifndef IO_ERRMSG_H
#define IO_ERRMSG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Formats into err (nothing when err is NULL or errlen 0; cut to fit). */
void errmsg_vset(char *err, size_t errlen, const char *fmt, va_list ap);
/* For functions returning -1 on failure: `return errmsg_fail(err, errlen, "...: %s", strerror(errno));` */
int errmsg_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* For parsers returning false on failure. */
bool errmsg_false(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
