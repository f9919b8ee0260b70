/*
 * syscall-stat.c — the stat family. The host's struct stat differs from
 * x86-64's on arm64 and loongarch64 (field order and widths), so every
 * stat result goes through lu_stat_to_guest; statx's structure is the
 * same everywhere and is passed through.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "linux-user/syscall-int.h"

void lu_stat_to_guest(LuX86Stat *g, const struct stat *h)
{
    memset(g, 0, sizeof(*g));
    g->st_dev = h->st_dev;
    g->st_ino = h->st_ino;
    g->st_nlink = h->st_nlink;
    g->st_mode = h->st_mode;
    g->st_uid = h->st_uid;
    g->st_gid = h->st_gid;
    g->st_rdev = h->st_rdev;
    g->st_size = h->st_size;
    g->st_blksize = h->st_blksize;
    g->st_blocks = h->st_blocks;
    g->st_atime_sec = h->st_atim.tv_sec;
    g->st_atime_nsec = h->st_atim.tv_nsec;
    g->st_mtime_sec = h->st_mtim.tv_sec;
    g->st_mtime_nsec = h->st_mtim.tv_nsec;
    g->st_ctime_sec = h->st_ctim.tv_sec;
    g->st_ctime_nsec = h->st_ctim.tv_nsec;
}

/* fstatat for the guest: path NULL means fstat of dirfd. */
static int64_t do_fstatat(LuProc *p, int dirfd, uint64_t path_addr, uint64_t buf_addr,
                          int flags, bool has_path)
{
    LuX86Stat *g = lu_gptr(p, buf_addr, sizeof(LuX86Stat), PROT_WRITE);
    if (!g) {
        return -EFAULT;
    }
    struct stat st;
    int r;
    if (has_path) {
        char buf[PATH_MAX];
        int err = 0;
        const char *path = lu_gpath(p, path_addr, buf, &err);
        if (!path) {
            return err;
        }
        r = fstatat(dirfd, path, &st, flags);
    } else {
        r = fstat(dirfd, &st);
    }
    if (r < 0) {
        return -errno;
    }
    lu_stat_to_guest(g, &st);
    return 0;
}

static int64_t sys_stat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_fstatat(p, AT_FDCWD, a[0], a[1], 0, true);
}

static int64_t sys_lstat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_fstatat(p, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW, true);
}

static int64_t sys_fstat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_fstatat(p, (int)a[0], 0, a[1], 0, false);
}

static int64_t sys_newfstatat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_fstatat(p, (int)a[0], a[1], a[2], (int)a[3], true);
}

static int64_t sys_statx(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    char buf[PATH_MAX];
    int err = 0;
    const char *path = lu_gpath(p, a[1], buf, &err);
    if (!path) {
        return err;
    }
    void *sx = lu_gptr(p, a[4], 256, PROT_WRITE);   /* struct statx is 256 bytes */
    if (!sx) {
        return -EFAULT;
    }
    return lu_ret(syscall(SYS_statx, (int)a[0], path, (int)a[2], (unsigned)a[3], sx));
}

/* struct statfs has the same layout on all 64-bit Linux hosts. */
static int64_t sys_statfs(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    char buf[PATH_MAX];
    int err = 0;
    const char *path = lu_gpath(p, a[0], buf, &err);
    if (!path) {
        return err;
    }
    struct statfs *sf = lu_gptr(p, a[1], sizeof(struct statfs), PROT_WRITE);
    return sf ? lu_ret(statfs(path, sf)) : -EFAULT;
}

static int64_t sys_fstatfs(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct statfs *sf = lu_gptr(p, a[1], sizeof(struct statfs), PROT_WRITE);
    return sf ? lu_ret(fstatfs((int)a[0], sf)) : -EFAULT;
}

/* ---------------------------------------------------------------------- */
/* Extended attributes: names and values are plain bytes everywhere.        */

/* getxattr / lgetxattr (follow decides) and listxattr / llistxattr. */
static int64_t do_getxattr(LuProc *p, const uint64_t *a, bool follow)
{
    char buf[PATH_MAX];
    int err = 0;
    const char *path = lu_gpath(p, a[0], buf, &err);
    const char *name = path ? lu_gstr(p, a[1], 256, &err) : NULL;
    if (!name) {
        return err;
    }
    /* Size 0 asks for the value's size: the buffer may be NULL then. */
    void *val = a[3] ? lu_gptr(p, a[2], a[3], PROT_WRITE) : NULL;
    if (a[3] && !val) {
        return -EFAULT;
    }
    return lu_ret(follow ? getxattr(path, name, val, a[3]) : lgetxattr(path, name, val, a[3]));
}

static int64_t do_listxattr(LuProc *p, const uint64_t *a, bool follow)
{
    char buf[PATH_MAX];
    int err = 0;
    const char *path = lu_gpath(p, a[0], buf, &err);
    if (!path) {
        return err;
    }
    char *list = a[2] ? lu_gptr(p, a[1], a[2], PROT_WRITE) : NULL;
    if (a[2] && !list) {
        return -EFAULT;
    }
    return lu_ret(follow ? listxattr(path, list, a[2]) : llistxattr(path, list, a[2]));
}

static int64_t sys_getxattr(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_getxattr(p, a, true); }
static int64_t sys_lgetxattr(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_getxattr(p, a, false); }
static int64_t sys_listxattr(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_listxattr(p, a, true); }
static int64_t sys_llistxattr(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_listxattr(p, a, false); }

static int64_t sys_fgetxattr(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int err = 0;
    const char *name = lu_gstr(p, a[1], 256, &err);
    if (!name) {
        return err;
    }
    void *val = a[3] ? lu_gptr(p, a[2], a[3], PROT_WRITE) : NULL;
    return val || !a[3] ? lu_ret(fgetxattr((int)a[0], name, val, a[3])) : -EFAULT;
}

static int64_t sys_flistxattr(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    char *list = a[2] ? lu_gptr(p, a[1], a[2], PROT_WRITE) : NULL;
    return list || !a[2] ? lu_ret(flistxattr((int)a[0], list, a[2])) : -EFAULT;
}

void lu_sys_stat_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_stat, sys_stat, "dsp" }, { LU_NR_lstat, sys_lstat, "dsp" },
        { LU_NR_fstat, sys_fstat, "dfp" }, { LU_NR_newfstatat, sys_newfstatat, "dfspx" },
        { LU_NR_statx, sys_statx, "dfsxxp" }, { LU_NR_statfs, sys_statfs, "dsp" },
        { LU_NR_fstatfs, sys_fstatfs, "dfp" },
        { LU_NR_getxattr, sys_getxattr, "dsspu" }, { LU_NR_lgetxattr, sys_lgetxattr, "dsspu" },
        { LU_NR_fgetxattr, sys_fgetxattr, "dfspu" }, { LU_NR_listxattr, sys_listxattr, "dspu" },
        { LU_NR_llistxattr, sys_llistxattr, "dspu" },
        { LU_NR_flistxattr, sys_flistxattr, "dfpu" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
