/* suite_watchdog.c: the deadlock watchdog, each case in a child process of its own (firing ends
 * the process): it fires when progress stands still while watched, with its line, its end hook and
 * exit 3, not before the timeout and the grace; it stays quiet while progress moves and while
 * watching is off. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "exit_codes.h"
#include "suites.h"
#include "watchdog.h"

static int hook_fd = -1;

static void hook(int code)
{
    char note[32];
    int len = snprintf(note, sizeof note, "|end %d", code);
    ssize_t ignored = write(hook_fd, note, (size_t)len);
    (void)ignored;
}

typedef enum { STUCK, MOVING, OFF } behaviour;

/* The child: installs the watchdog (its line to the file, the hook too), then stands still,
 * makes progress for 1.5 s, or idles unwatched for 1.5 s; exits 0 when nothing fired. */
static void child(int fd, behaviour what, double timeout_s, double grace_s)
{
    hook_fd = fd;
    if (plb_watchdog_install("DEADLOCK: test line\n", fd, timeout_s, grace_s, hook) != 0)
        _exit(99);
    if (what != OFF)
        plb_watchdog_watch(true);
    double start = plb_now();
    while (plb_now() - start < (what == STUCK ? 30.0 : 1.5)) {
        plb_sleep(0.01);
        if (what == MOVING)
            plb_watchdog_progress();
    }
    plb_watchdog_watch(false);
    _exit(0);
}

typedef struct ending {
    int status;     /* the exit code, or -1 when it did not exit normally */
    double seconds; /* from the start to the end */
    char said[256]; /* what it wrote to the pipe */
} ending;

/* The child writes into a file, not a pipe: for a pipe the watchdog waits (2 s at most) until its
 * reader has read the line, and the times below would measure that wait. */
static ending run_child(behaviour what, double timeout_s, double grace_s)
{
    ending e = {.status = -1};
    const char *tmp = getenv("TMPDIR");
    char name[4096];
    snprintf(name, sizeof name, "%s/parlab_watchdog_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(name);
    CU_ASSERT_FATAL(fd >= 0);
    unlink(name);
    double start = plb_now();
    fflush(stdout);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0)
        child(fd, what, timeout_s, grace_s);
    int status = 0;
    pid_t done = 0;
    while ((done = waitpid(pid, &status, WNOHANG)) == 0 && plb_now() - start < 60.0)
        plb_sleep(0.005);
    e.seconds = plb_now() - start;
    if (done == 0) { /* never ended: a watchdog that did not fire */
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    } else if (WIFEXITED(status)) {
        e.status = WEXITSTATUS(status);
    }
    ssize_t got = pread(fd, e.said, sizeof e.said - 1, 0);
    e.said[got > 0 ? got : 0] = '\0';
    close(fd);
    return e;
}

static void test_fires_when_stuck(void)
{
    ending e = run_child(STUCK, 0.2, 0.0);
    CU_ASSERT_EQUAL(e.status, PLB_EXIT_DEADLOCK);
    CU_ASSERT_STRING_EQUAL(e.said, "DEADLOCK: test line\n|end 3");
    CU_ASSERT(e.seconds >= 0.2);
    CU_ASSERT(e.seconds < 20.0); /* well before the child's own 30 s */
}

static void test_waits_out_the_grace(void)
{
    ending e = run_child(STUCK, 0.2, 0.6);
    CU_ASSERT_EQUAL(e.status, PLB_EXIT_DEADLOCK);
    CU_ASSERT(e.seconds >= 0.8);
}

/* Progress every 10 ms for 1.5 s, against a 1 s timeout: a slow run is not a deadlock. */
static void test_quiet_while_progressing(void)
{
    ending e = run_child(MOVING, 1.0, 0.0);
    CU_ASSERT_EQUAL(e.status, 0);
    CU_ASSERT_STRING_EQUAL(e.said, "");
}

/* No progress at all, but never watched: nothing fires. */
static void test_quiet_while_off(void)
{
    ending e = run_child(OFF, 0.1, 0.0);
    CU_ASSERT_EQUAL(e.status, 0);
    CU_ASSERT_STRING_EQUAL(e.said, "");
}

CU_TestInfo watchdog_tests[] = {
    {"stuck while watched: its line, the end hook, exit 3, after the timeout",
     test_fires_when_stuck},
    {"the grace is waited out before firing", test_waits_out_the_grace},
    {"a slow run that keeps making progress is never called deadlocked",
     test_quiet_while_progressing},
    {"watching off: no progress is no deadlock", test_quiet_while_off},
    CU_TEST_INFO_NULL,
};
