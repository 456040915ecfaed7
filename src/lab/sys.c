/* sys.c — child processes with captured stderr, setns into /run/netns, sysctl writes, text buffers. */
#include "lab/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int original_netns = -1;

int sys_enter_netns(const char *name)
{
    if (original_netns < 0) {
        original_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (original_netns < 0)
            return -1;
    }
    char path[256];
    snprintf(path, sizeof path, "/run/netns/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = setns(fd, CLONE_NEWNET);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int sys_leave_netns(void)
{
    if (original_netns < 0)
        return 0;
    return setns(original_netns, CLONE_NEWNET);
}

unsigned long sys_netns_inode(const char *name)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "/run/netns/%s", name);
    if (stat(path, &st) != 0)
        return 0;
    return (unsigned long)st.st_ino;
}

int sys_sysctl(const char *key, const char *value)
{
    char path[256] = "/proc/sys/";
    size_t n = strlen(path);
    for (const char *k = key; *k && n + 1 < sizeof path; k++)
        path[n++] = *k == '.' ? '/' : *k;
    path[n] = 0;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t len = (ssize_t)strlen(value);
    ssize_t w = write(fd, value, (size_t)len);
    int saved = errno;
    close(fd);
    errno = saved;
    return w == len ? 0 : -1;
}

int sys_run(char *const argv[], const char *input, char *errbuf, size_t errlen)
{
    int in_pipe[2] = {-1, -1}, err_pipe[2];
    if (errlen)
        errbuf[0] = 0;
    if (pipe2(err_pipe, O_CLOEXEC) != 0)
        return -1;
    if (input && pipe2(in_pipe, O_CLOEXEC) != 0) {
        close(err_pipe[0]);
        close(err_pipe[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(err_pipe[0]);
        close(err_pipe[1]);
        if (input) {
            close(in_pipe[0]);
            close(in_pipe[1]);
        }
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(input ? in_pipe[0] : devnull, 0);
        dup2(devnull, 1);
        dup2(err_pipe[1], 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(err_pipe[1]);
    if (input)
        close(in_pipe[0]);
    /* feed stdin and drain stderr together so neither side blocks */
    size_t in_len = input ? strlen(input) : 0, in_off = 0, err_off = 0;
    bool in_open = input != NULL, err_open = true;
    signal(SIGPIPE, SIG_IGN);
    while (err_open) {
        struct pollfd pf[2] = {{err_pipe[0], POLLIN, 0}, {in_open ? in_pipe[1] : -1, POLLOUT, 0}};
        if (in_open && in_off == in_len) {
            close(in_pipe[1]);
            in_open = false;
            pf[1].fd = -1;
        }
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pf[1].fd >= 0 && (pf[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in_pipe[1], input + in_off, in_len - in_off);
            if (w > 0) {
                in_off += (size_t)w;
            } else {
                close(in_pipe[1]);
                in_open = false;
            }
        }
        if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char tmp[512];
            ssize_t r = read(err_pipe[0], tmp, sizeof tmp);
            if (r <= 0) {
                err_open = false;
            } else if (errlen > 1 && err_off + 1 < errlen) {
                size_t take = (size_t)r < errlen - 1 - err_off ? (size_t)r : errlen - 1 - err_off;
                memcpy(errbuf + err_off, tmp, take);
                err_off += take;
                errbuf[err_off] = 0;
            }
        }
    }
    if (in_open)
        close(in_pipe[1]);
    close(err_pipe[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (errlen && err_off > 0 && errbuf[err_off - 1] == '\n')
        errbuf[err_off - 1] = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void tb_printf(struct textbuf *t, const char *fmt, ...)
{
    if (t->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = t->cap - t->len;
        int n = vsnprintf(t->data ? t->data + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->oom = true;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t ncap = (t->cap + (size_t)n + 1) * 2;
        char *nd = realloc(t->data, ncap);
        if (!nd) {
            t->oom = true;
            return;
        }
        t->data = nd;
        t->cap = ncap;
    }
}

void tb_free(struct textbuf *t)
{
    free(t->data);
    memset(t, 0, sizeof *t);
}
