/* version.c: the build passes PLB_VERSION; only this file is rebuilt when it changes. */
#include "version.h"

#ifndef PLB_VERSION
#define PLB_VERSION "unknown"
#endif

const char *plb_version(void)
{
    return PLB_VERSION;
}
