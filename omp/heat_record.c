/* heat_record.c: a heat checkpoint's record and its commit (see heat_record.h). */
#define _POSIX_C_SOURCE 200809L
#include "heat_record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FORMAT "parlab heat checkpoint 1"

/* What FILE.meta records. */
typedef struct record {
    int64_t step, rows, cols;
    double r;
    char check[16];
    uint64_t checksum;
} record;

int heat_record_names_of(const char *path, heat_record_names *n, char *err, size_t len)
{
    /* cppcheck-suppress ctuuninitvar ; *n is what this fills (cppcheck takes snprintf's
     * destination for a read) */
    int a = snprintf(n->field_tmp, sizeof n->field_tmp, "%s.tmp", path);
    int b = snprintf(n->meta, sizeof n->meta, "%s.meta", path);
    int c = snprintf(n->meta_tmp, sizeof n->meta_tmp, "%s.meta.tmp", path);
    if (a < 0 || b < 0 || c < 0 || c >= (int)sizeof n->meta_tmp) {
        snprintf(err, len, "%.64s...: the checkpoint's name is too long", path);
        return -1;
    }
    return 0;
}

static int io_failed(const char *path, const char *what, char *err, size_t len)
{
    snprintf(err, len, "%s: cannot %s: %s", path, what, strerror(errno));
    return 1;
}

static int record_write(const char *path, const record *m, char *err, size_t len)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return io_failed(path, "create it", err, len);
    fprintf(f,
            "{\"format\": \"" FORMAT "\", \"step\": %" PRId64 ", \"rows\": %" PRId64
            ", \"cols\": %" PRId64 ", \"r\": %.17g, \"check\": \"%s\", \"checksum\": \"%016" PRIx64
            "\"}\n",
            m->step, m->rows, m->cols, m->r, m->check, m->checksum);
    int failed = fflush(f) != 0 || fsync(fileno(f)) != 0;
    failed |= fclose(f) != 0;
    return failed ? io_failed(path, "write it", err, len) : 0;
}

/* Where the value of "key" starts in text, or NULL. */
static const char *value_of(const char *text, const char *key)
{
    char pattern[32];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(text, pattern);
    if (!at)
        return NULL;
    for (at += strlen(pattern); *at == ' '; at++)
        ;
    return at;
}

/* The string value of key (without its quotes) into out; 0, or -1 when there is none. */
static int text_of(const char *text, const char *key, char *out, size_t size)
{
    const char *at = value_of(text, key), *end;
    if (!at || *at != '"' || !(end = strchr(at + 1, '"')) || (size_t)(end - at - 1) >= size)
        return -1;
    memcpy(out, at + 1, (size_t)(end - at - 1));
    out[end - at - 1] = '\0';
    return 0;
}

static int whole_number(const char *text, const char *key, int64_t *out)
{
    const char *at = value_of(text, key);
    char *end;
    if (!at)
        return -1;
    errno = 0;
    long long v = strtoll(at, &end, 10);
    *out = v;
    return end == at || errno || v < 0 ? -1 : 0;
}

static int record_read(const char *path, record *m, char *err, size_t len)
{
    char text[1024], format[64], sum[32];
    FILE *f = fopen(path, "r");
    if (!f)
        return io_failed(path, "open it", err, len);
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[got] = '\0';
    const char *r = value_of(text, "r");
    char *end = NULL;
    if (r)
        m->r = strtod(r, &end);
    int bad = text_of(text, "format", format, sizeof format) || strcmp(format, FORMAT) != 0 ||
              whole_number(text, "step", &m->step) || whole_number(text, "rows", &m->rows) ||
              whole_number(text, "cols", &m->cols) || !r || end == r ||
              text_of(text, "check", m->check, sizeof m->check) ||
              text_of(text, "checksum", sum, sizeof sum) || strlen(sum) != 16;
    if (!bad)
        m->checksum = strtoull(sum, &end, 16);
    if (bad || *end) {
        snprintf(err, len, "%s: not a parlab heat checkpoint record", path);
        return 1;
    }
    return 0;
}

/* The folder path is in, into folder (HEAT_RECORD_PATH bytes). */
static void folder_of(const char *path, char *folder)
{
    snprintf(folder, HEAT_RECORD_PATH, "%s", path);
    char *slash = strrchr(folder, '/');
    if (!slash)
        snprintf(folder, HEAT_RECORD_PATH, ".");
    else
        slash[slash == folder] = '\0'; /* "/x" is in "/" */
}

int heat_record_folder_writable(const char *path, char *err, size_t len)
{
    char folder[HEAT_RECORD_PATH];
    folder_of(path, folder);
    if (access(folder, W_OK | X_OK) == 0)
        return 0;
    snprintf(err, len, "--checkpoint %s: cannot write in its folder %s: %s", path, folder,
             strerror(errno));
    return 1;
}

/* Makes the renames durable: the folder's entries synced too (best effort: some file systems
 * cannot sync a folder). */
static void sync_folder(const char *path)
{
    char folder[HEAT_RECORD_PATH];
    folder_of(path, folder);
    int fd = open(folder, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int heat_record_commit(const char *path, const heat_record_names *n, const heat_problem *p,
                       int64_t step, uint64_t sum, char *err, size_t len)
{
    record m = {.step = step, .rows = p->rows, .cols = p->cols, .r = p->r, .checksum = sum};
    snprintf(m.check, sizeof m.check, "%s", heat_check_names[p->check]);
    if (record_write(n->meta_tmp, &m, err, len))
        return 1;
    if (rename(n->field_tmp, path) != 0)
        return io_failed(path, "rename the new field over it", err, len);
    if (rename(n->meta_tmp, n->meta) != 0)
        return io_failed(n->meta, "rename the new record over it", err, len);
    sync_folder(path);
    return 0;
}

/* Why the record's run is not this one, or NULL. */
static const char *other_run(const record *m, const heat_problem *p, int64_t steps, char *why,
                             size_t len)
{
    if (m->rows != p->rows || m->cols != p->cols || m->r != p->r ||
        strcmp(m->check, heat_check_names[p->check]) != 0)
        snprintf(why, len,
                 "a checkpoint of -n %" PRId64 "x%" PRId64 " --r %.17g --check %s, "
                 "not this run's -n %" PRId64 "x%" PRId64 " --r %.17g --check %s",
                 m->rows, m->cols, m->r, m->check, p->rows, p->cols, p->r,
                 heat_check_names[p->check]);
    else if (m->step > steps)
        snprintf(why, len, "holds step %" PRId64 ", past this run's --steps %" PRId64, m->step,
                 steps);
    else
        return NULL;
    return why;
}

int heat_record_check(const heat_record_names *n, const char *path, uint64_t sum,
                      const heat_problem *p, int64_t steps, int64_t *step, int *pending, char *err,
                      size_t len)
{
    record m, waiting;
    char why[160], ignored[160];
    int have = record_read(n->meta, &m, why, sizeof why) == 0;
    *pending = (!have || m.checksum != sum) &&
               record_read(n->meta_tmp, &waiting, ignored, sizeof ignored) == 0 &&
               waiting.checksum == sum;
    if (*pending)
        m = waiting;
    if (!have && !*pending) {
        snprintf(err, len, "%s", why);
        return 1;
    }
    if (!*pending && m.checksum != sum) {
        snprintf(err, len,
                 "%s: its field's checksum is %016" PRIx64 ", its record (%s) says %016" PRIx64
                 ": the file is damaged",
                 path, sum, n->meta, m.checksum);
        return 1;
    }
    if (other_run(&m, p, steps, why, sizeof why)) {
        snprintf(err, len, "%s: %s", path, why);
        return 1;
    }
    *step = m.step;
    return 0;
}

void heat_record_finish(const char *path, const heat_record_names *n)
{
    if (rename(n->meta_tmp, n->meta) == 0)
        sync_folder(path);
}

/* SIGTERM (stop now) outranks SIGUSR1 (a warning): a job script that passes SIGUSR1 on when it is
 * sent SIGTERM itself, as parlab's do, must not turn the scheduler's SIGTERM into a warning. */
static volatile sig_atomic_t stop_signal;
static void on_stop_signal(int sig)
{
    if (stop_signal != SIGTERM)
        stop_signal = sig;
}

void heat_catch_stop_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

int heat_stop_signal(void)
{
    return stop_signal;
}

const char *heat_signal_name(int sig)
{
    return sig == SIGTERM ? "SIGTERM" : sig == SIGUSR1 ? "SIGUSR1" : "a signal";
}
