/* scratch.h: a temporary folder for a suite's files, under $TMPDIR (or /tmp), and its removal with
 * whatever the test left in it. Both assert (non-fatally) that they worked. */
#ifndef PARLAB_SCRATCH_H
#define PARLAB_SCRATCH_H

#include <CUnit/CUnit.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Makes TMPDIR/parlab_TAG_XXXXXX into path; returns path, or NULL when it cannot be made. */
static inline char *scratch_folder(const char *tag, char *path, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, len, "%s/parlab_%s_XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    char *made = mkdtemp(path);
    CU_ASSERT_PTR_NOT_NULL(made);
    return made;
}

/* Removes the folder and the files in it. */
static inline void scratch_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4400]; /* a folder name of up to 4095 bytes, "/", a file name of up to 255 */
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            CU_ASSERT_EQUAL(remove(path), 0);
        }
    if (d)
        closedir(d);
    CU_ASSERT_EQUAL(rmdir(dir), 0);
}

#endif
