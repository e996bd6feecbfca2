/* watchdog.c: the progress watchdog (see watchdog.h). */
#define _DEFAULT_SOURCE /* FIONREAD */
#include "watchdog.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "clock.h"
#include "exit_codes.h"

static char text[512];
static int text_fd = -1;
static double limit_s; /* timeout plus grace */
static double tick_s;  /* how often the thread looks */
static atomic_ulong progress;
static atomic_bool watching;
static void (*end_all)(int code);
static const char *(*detail_now)(void);

/* An MPI launcher forwards a rank's output through a pipe, and ending the job before it has read
 * the line can lose it (seen with Hydra and MPI_Abort): wait, 2 s at most, until the pipe is
 * empty. Where fd is no pipe (a file, a terminal), FIONREAD fails or reads 0 and nothing waits. */
static void wait_until_read(int fd)
{
    int unread;
    for (int i = 0; i < 200 && ioctl(fd, FIONREAD, &unread) == 0 && unread > 0; i++)
        plb_sleep(0.01);
}

static void fire(void)
{
    if (text_fd >= 0) {
        /* one write, line and detail together: ranks that fire at once share a pipe */
        static char line[sizeof text + 512];
        const char *detail = detail_now ? detail_now() : "";
        size_t len = strlen(text), more = strlen(detail);
        if (more > sizeof line - 1 - len)
            more = sizeof line - 1 - len;
        memcpy(line, text, len);
        memcpy(line + len, detail, more);
        ssize_t ignored = write(text_fd, line, len + more);
        (void)ignored;
        wait_until_read(text_fd);
    }
    if (end_all)
        end_all(PLB_EXIT_DEADLOCK);
    _exit(PLB_EXIT_DEADLOCK);
}

/* The thread: remembers the count it saw last and since when; while watching is off, or whenever
 * the count moves, that moment is now, so only a count that stood still while watched fires. */
static void *watch(void *unused)
{
    (void)unused;
    unsigned long seen = atomic_load(&progress);
    double since = plb_now();
    for (;;) {
        plb_sleep(tick_s);
        unsigned long count = atomic_load_explicit(&progress, memory_order_relaxed);
        double now = plb_now();
        if (!atomic_load(&watching) || count != seen) {
            seen = count;
            since = now;
        } else if (now - since >= limit_s) {
            fire();
        }
    }
    return NULL;
}

int plb_watchdog_install(const char *line, int fd, double timeout_s, double grace_s,
                         void (*end)(int code))
{
    snprintf(text, sizeof text, "%s", line);
    text_fd = fd;
    end_all = end;
    limit_s = timeout_s + grace_s;
    tick_s = timeout_s / 10.0;
    pthread_t thread;
    if (pthread_create(&thread, NULL, watch, NULL) != 0)
        return -1;
    pthread_detach(thread);
    return 0;
}

void plb_watchdog_detail(const char *(*detail)(void))
{
    detail_now = detail;
}

void plb_watchdog_watch(bool on)
{
    if (on &&
        !atomic_load(&watching)) /* only when it switches on: callers may be in a timed loop */
        fflush(stdout);
    plb_watchdog_progress(); /* the timeout counts from now */
    atomic_store(&watching, on);
}

void plb_watchdog_progress(void)
{
    atomic_fetch_add_explicit(&progress, 1, memory_order_relaxed);
}
