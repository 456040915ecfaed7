/* plot.c — gnuplot script header and palette, and running gnuplot with its SVG piped into an outfile. */
#include "report/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/outfile.h"

extern char **environ;

const char *const plot_palette[8] = {"#0072B2", "#D55E00", "#009E73", "#E69F00",
                                     "#56B4E9", "#CC79A7", "#000000", "#F0E442"};
/* Point types that stay apart in grey print too: circle, square, triangle, diamond... */
static const int point_types[8] = {7, 5, 9, 13, 11, 15, 1, 2};

void plot_init(struct plot *p, unsigned w, unsigned h, const char *what)
{
    sb_init(&p->s);
    p->width = w;
    p->height = h;
    sb_puts(&p->s, "# ");
    for (const char *c = what; *c; c++) /* a comment line: keep it one line */
        sb_putc(&p->s, *c == '\n' || *c == '\r' ? ' ' : *c);
    sb_puts(&p->s, "\n# written by mpcensus report; re-draw with: gnuplot -d THIS.gp > THIS.svg\n");
    plot_cmd(p, "set terminal svg size %u,%u dynamic noenhanced font 'DejaVu Sans,13' linewidth 1.2 "
                "background rgb '#ffffff'", w, h);
    plot_cmd(p, "set encoding utf8");
    for (int i = 0; i < 8; i++)
        plot_cmd(p, "set linetype %d lc rgb '%s' lw 2 pt %d ps 0.9 dt solid", i + 1, plot_palette[i], point_types[i]);
    plot_cmd(p, "set linetype cycle 8");
    plot_cmd(p, "set border 3 lc rgb '#444444'");
    plot_cmd(p, "set tics nomirror out scale 0.6");
    plot_cmd(p, "set grid ytics lt 1 lc rgb '#e0e0e0' lw 1");
    plot_cmd(p, "set key outside right top vertical Left reverse samplen 2.5 spacing 1.2");
    plot_cmd(p, "set datafile missing 'NaN'");
}

void plot_free(struct plot *p) { sb_free(&p->s); }

void plot_cmd(struct plot *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    sb_puts(&p->s, line);
    sb_putc(&p->s, '\n');
}

void plot_str(struct plot *p, const char *s, enum gp_context ctx) { esc_gnuplot(&p->s, s, ctx); }

void plot_raw(struct plot *p, const char *s) { sb_puts(&p->s, s); }

static int write_script(const struct plot *p, const char *path, char *err, size_t errlen)
{
    struct outfile *f = outfile_open(path, err, errlen);
    if (!f)
        return -1;
    outfile_write(f, sb_str(&p->s), p->s.len);
    return outfile_close(f, err, errlen);
}

int plot_render(const struct plot *p, const char *dir, const char *stem, char *err, size_t errlen)
{
    if (p->s.failed) {
        snprintf(err, errlen, "%s: out of memory building the gnuplot script", stem);
        return -1;
    }
    char gp[4096], svg[4096];
    snprintf(gp, sizeof gp, "%s/%s.gp", dir, stem);
    snprintf(svg, sizeof svg, "%s/%s.svg", dir, stem);
    if (write_script(p, gp, err, errlen) < 0)
        return -1;

    int out[2], errp[2];
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    char *argv[] = {"gnuplot", "-d", gp, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(errp[1]);
    if (rc != 0) {
        close(out[0]);
        close(errp[0]);
        if (rc == ENOENT)
            snprintf(err, errlen, "gnuplot not found in PATH (Debian package gnuplot-nox)");
        else
            snprintf(err, errlen, "cannot run gnuplot: %s", strerror(rc));
        return -1;
    }

    struct outfile *f = outfile_open(svg, err, errlen);
    char msg[2048] = "";
    size_t msglen = 0;
    char tail[16] = "";
    size_t taillen = 0;
    struct pollfd pf[2] = {{out[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = 0; k < 2; k++) {
            if (pf[k].fd < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buf[65536];
            ssize_t n = read(pf[k].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                close(pf[k].fd);
                pf[k].fd = -1;
                open_fds--;
                continue;
            }
            if (k == 0) {
                if (f)
                    outfile_write(f, buf, (size_t)n);
                /* keep the last bytes to check the document is complete */
                if ((size_t)n >= sizeof tail - 1) {
                    memcpy(tail, buf + n - (sizeof tail - 1), sizeof tail - 1);
                    taillen = sizeof tail - 1;
                } else {
                    size_t room = sizeof tail - 1 - (size_t)n, keep = taillen < room ? taillen : room;
                    memmove(tail, tail + taillen - keep, keep);
                    memcpy(tail + keep, buf, (size_t)n);
                    taillen = keep + (size_t)n;
                }
                tail[taillen] = 0;
            } else if (msglen < sizeof msg - 1) {
                size_t c = (size_t)n < sizeof msg - 1 - msglen ? (size_t)n : sizeof msg - 1 - msglen;
                memcpy(msg + msglen, buf, c);
                msglen += c;
                msg[msglen] = 0;
            }
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!f)
        return -1; /* err holds the open failure */
    char cerr[1024];
    if (outfile_close(f, cerr, sizeof cerr) < 0) {
        snprintf(err, errlen, "%s", cerr);
        return -1;
    }
    /* gnuplot's message, on one line */
    for (char *c = msg; *c; c++)
        if (*c == '\n')
            *c = ' ';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "gnuplot failed on %s: %s", gp, msglen ? msg : "no message");
        return -1;
    }
    if (!strstr(tail, "</svg>")) {
        snprintf(err, errlen, "gnuplot wrote an incomplete %s: %s", svg, msglen ? msg : "no message");
        return -1;
    }
    return 0;
}
