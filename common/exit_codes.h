/* exit_codes.h: what every parlab program's exit status means (the program contract). */
#ifndef PARLAB_EXIT_CODES_H
#define PARLAB_EXIT_CODES_H

enum plb_exit_code {
    PLB_EXIT_VERIFIED = 0, /* every result checked and exact (also after --help, --version) */
    PLB_EXIT_FAILED = 1,   /* a result was wrong, or a runtime error */
    PLB_EXIT_USAGE = 2,    /* bad command line: one-line error on stderr */
    PLB_EXIT_DEADLOCK = 3, /* a watchdog ended a run that deadlocked */
    PLB_EXIT_STOPPED = 4   /* a signal (SIGTERM, SIGUSR1) stopped a production run after it wrote
                              a checkpoint: run it again with --restart to go on */
};

#endif
