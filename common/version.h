/* version.h: the parlab version the binaries were built from (git describe). */
#ifndef PARLAB_VERSION_H
#define PARLAB_VERSION_H

const char *plb_version(void);

#endif
