/* lab_cmd.c — `mpcensus lab up|down|truth|attribution|probe`: runs the lab subcommand its options (lab_options.c) ask for. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/outfile.h"
#include "lab/lab.h"
#include "lab/lab_options.h"
#include "lab/lab_probe.h"
#include "lab/lab_ext_cmd.h"

static int cmd_up(int argc, char **argv)
{
    struct lab_up_args a;
    int prc = lab_up_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : 2;
    struct lab_up_opts o = {.spec_path = a.spec, .name = a.name, .month = a.month};
    static struct lab_spec spec;
    char err[1024];
    if (!spec_load(o.spec_path, &spec, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab up: %s\n", err);
        return 1;
    }
    char *state = NULL;
    err[0] = 0;
    if (lab_up(&spec, &o, &state, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus lab up: %s\n", err);
        int sig = lab_up_signal();
        if (sig) { /* the lab is gone; die of the signal so that the caller sees it */
            signal(sig, SIG_DFL);
            raise(sig);
        }
        return 1;
    }
    struct outfile *out = outfile_open("-", err, sizeof err);
    int rc = out && outfile_puts(out, state) == 0 ? 0 : 1;
    free(state);
    if (outfile_close(out, err, sizeof err) < 0 || !out) {
        fprintf(stderr, "mpcensus lab up: %s (the lab is up; its state is in " LAB_STATE_DIR "/lab-%s.env)\n", err,
                o.name);
        rc = 1;
    }
    return rc;
}

static int down_all(void)
{
    DIR *d = opendir(LAB_STATE_DIR);
    if (!d)
        return 0;
    int rc = 0;
    struct dirent *de;
    char names[256][64];
    size_t n = 0;
    while ((de = readdir(d)) && n < 256) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "lab-", 4) || len < 9 || strcmp(de->d_name + len - 4, ".env") || len - 8 >= 64)
            continue;
        memcpy(names[n], de->d_name + 4, len - 8);
        names[n][len - 8] = 0;
        n++;
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        char err[512];
        if (lab_down(names[i], err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab down: %s: %s\n", names[i], err);
            rc = 1;
        }
    }
    return rc;
}

static int cmd_down(int argc, char **argv)
{
    struct lab_down_args a;
    int prc = lab_down_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : 2;
    if (a.all)
        return down_all();
    char err[512];
    if (lab_down(a.name, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus lab down: %s\n", err);
        return 1;
    }
    return 0;
}

int cmd_lab(int argc, char **argv)
{
    static const struct lab_subcommand subs[] = {
        {"up", cmd_up},
        {"down", cmd_down},
        {"truth", cmd_lab_truth},
        {"attribution", cmd_lab_attribution},
        {"probe", cmd_lab_probe},
        {NULL, NULL},
    };
    return lab_dispatch(subs, argc, argv);
}
