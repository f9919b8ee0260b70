/*
 * binfmt-script.h — "#!" scripts, as Linux's binfmt_script runs them: the
 * interpreter named on the first line becomes the program, with its one
 * optional argument and the script's path before the original arguments.
 */
#ifndef FERRY_LINUX_USER_BINFMT_SCRIPT_H
#define FERRY_LINUX_USER_BINFMT_SCRIPT_H

#include <stdbool.h>

/* True if the file at path starts with "#!". */
bool lu_script_is(const char *path);

/*
 * If path is a "#!" script, the command line that runs it: { interpreter,
 * [argument,] path, argv[1], ..., argv[argc-1], NULL } (g_strfreev), with
 * *new_argc set; NULL when path is not a script or names no interpreter.
 */
char **lu_script_argv(const char *path, int argc, char *const argv[], int *new_argc);

#endif
