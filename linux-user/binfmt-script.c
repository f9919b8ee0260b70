/*
 * binfmt-script.c — the "#!" line, parsed as fs/binfmt_script.c does:
 * at most the first 256 bytes, the interpreter up to the first blank, and
 * everything after it (blanks trimmed at both ends) as one argument.
 */
#include "linux-user/binfmt-script.h"

#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#define LU_BINPRM_BUF 256

/* The first line of path without "#!" (g_free), or NULL. */
static char *first_line(const char *path)
{
    char buf[LU_BINPRM_BUF + 1];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    ssize_t n = read(fd, buf, LU_BINPRM_BUF);
    close(fd);
    if (n < 2 || buf[0] != '#' || buf[1] != '!') {
        return NULL;
    }
    buf[n] = '\0';
    char *nl = strchr(buf, '\n');
    if (nl) {
        *nl = '\0';
    }
    return g_strdup(buf + 2);
}

bool lu_script_is(const char *path)
{
    char *line = first_line(path);
    g_free(line);
    return line != NULL;
}

char **lu_script_argv(const char *path, int argc, char *const argv[], int *new_argc)
{
    char *line = first_line(path);
    if (!line) {
        return NULL;
    }
    char *interp = line + strspn(line, " \t");
    char *rest = interp + strcspn(interp, " \t");
    if (*rest) {
        *rest++ = '\0';
    }
    g_strstrip(rest);
    if (*interp == '\0') {
        g_free(line);
        return NULL;
    }
    GPtrArray *v = g_ptr_array_new();
    g_ptr_array_add(v, g_strdup(interp));
    if (*rest) {
        g_ptr_array_add(v, g_strdup(rest));
    }
    g_ptr_array_add(v, g_strdup(path));
    for (int i = 1; i < argc; i++) {
        g_ptr_array_add(v, g_strdup(argv[i]));
    }
    *new_argc = (int)v->len;
    g_ptr_array_add(v, NULL);
    g_free(line);
    return (char **)g_ptr_array_free(v, FALSE);
}
