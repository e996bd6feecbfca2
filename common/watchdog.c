/* watchdog.c: the deadlock watchdog (see watchdog.h). */
#define _POSIX_C_SOURCE 200809L
#include "watchdog.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "exit_codes.h"

static char text[512];
static int text_fd = -1;

static void on_alarm(int sig)
{
    (void)sig;
    if (text_fd >= 0) {
        ssize_t ignored = write(text_fd, text, strlen(text));
        (void)ignored;
    }
    _exit(PLB_EXIT_DEADLOCK);
}

void plb_watchdog_install(const char *line, int fd)
{
    snprintf(text, sizeof text, "%s", line);
    text_fd = fd;
    signal(SIGALRM, on_alarm);
}

void plb_watchdog_arm(double seconds)
{
    if (seconds > 0)
        fflush(stdout);
    struct itimerval t = {{0, 0}, {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e6)}};
    setitimer(ITIMER_REAL, &t, NULL);
}
