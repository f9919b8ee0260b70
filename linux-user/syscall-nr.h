/*
 * syscall-nr.h — x86-64 Linux system call numbers (the guest's ABI, from
 * arch/x86/entry/syscalls/syscall_64.tbl), as one X-macro list of
 * (name, number). Only the calls ferry knows by name are listed; the
 * strace printer and the dispatcher are built from this list, and on an
 * x86-64 host test-syscall checks every number against <sys/syscall.h>.
 */
#ifndef FERRY_LINUX_USER_SYSCALL_NR_H
#define FERRY_LINUX_USER_SYSCALL_NR_H

#define LU_SYSCALL_LIST(X) \
    X(read, 0) X(write, 1) X(open, 2) X(close, 3) X(stat, 4) X(fstat, 5) \
    X(lstat, 6) X(poll, 7) X(lseek, 8) X(mmap, 9) X(mprotect, 10) X(munmap, 11) \
    X(brk, 12) X(rt_sigaction, 13) X(rt_sigprocmask, 14) X(rt_sigreturn, 15) \
    X(ioctl, 16) X(pread64, 17) X(pwrite64, 18) X(readv, 19) X(writev, 20) \
    X(access, 21) X(pipe, 22) X(select, 23) X(sched_yield, 24) X(mremap, 25) \
    X(msync, 26) X(mincore, 27) X(madvise, 28) X(dup, 32) X(dup2, 33) \
    X(pause, 34) X(nanosleep, 35) X(getitimer, 36) X(alarm, 37) X(setitimer, 38) X(getpid, 39) X(sendfile, 40) \
    X(socket, 41) X(connect, 42) X(clone, 56) X(fork, 57) X(vfork, 58) \
    X(execve, 59) X(exit, 60) X(wait4, 61) X(kill, 62) X(uname, 63) \
    X(fcntl, 72) X(flock, 73) X(fsync, 74) X(fdatasync, 75) X(truncate, 76) \
    X(ftruncate, 77) X(getdents, 78) X(getcwd, 79) X(chdir, 80) X(fchdir, 81) \
    X(rename, 82) X(mkdir, 83) X(rmdir, 84) X(creat, 85) X(link, 86) \
    X(unlink, 87) X(symlink, 88) X(readlink, 89) X(chmod, 90) X(fchmod, 91) \
    X(chown, 92) X(fchown, 93) X(lchown, 94) X(umask, 95) X(gettimeofday, 96) \
    X(getrlimit, 97) X(getrusage, 98) X(sysinfo, 99) X(times, 100) \
    X(getuid, 102) X(getgid, 104) X(setuid, 105) X(setgid, 106) \
    X(geteuid, 107) X(getegid, 108) X(setpgid, 109) X(getppid, 110) \
    X(getpgrp, 111) X(setsid, 112) X(setreuid, 113) X(setregid, 114) \
    X(getgroups, 115) X(setgroups, 116) X(setresuid, 117) X(getresuid, 118) \
    X(setresgid, 119) X(setfsuid, 122) X(setfsgid, 123) \
    X(getresgid, 120) X(getpgid, 121) X(getsid, 124) X(rt_sigpending, 127) \
    X(rt_sigtimedwait, 128) X(rt_sigqueueinfo, 129) \
    X(rt_sigsuspend, 130) X(sigaltstack, 131) X(statfs, 137) X(fstatfs, 138) \
    X(getpriority, 140) X(sched_getparam, 143) X(sched_getscheduler, 145) \
    X(prctl, 157) X(arch_prctl, 158) X(setrlimit, 160) X(sync, 162) \
    X(gettid, 186) X(readahead, 187) X(getxattr, 191) X(lgetxattr, 192) \
    X(fgetxattr, 193) X(listxattr, 194) X(llistxattr, 195) X(flistxattr, 196) \
    X(tkill, 200) X(time, 201) X(futex, 202) X(sched_setaffinity, 203) \
    X(sched_getaffinity, 204) X(getdents64, 217) X(set_tid_address, 218) \
    X(fadvise64, 221) X(clock_gettime, 228) X(clock_getres, 229) \
    X(clock_nanosleep, 230) X(exit_group, 231) X(tgkill, 234) X(utimes, 235) \
    X(openat, 257) X(mkdirat, 258) X(fchownat, 260) X(newfstatat, 262) \
    X(unlinkat, 263) X(renameat, 264) X(linkat, 265) X(symlinkat, 266) \
    X(readlinkat, 267) X(fchmodat, 268) X(faccessat, 269) X(pselect6, 270) \
    X(ppoll, 271) X(set_robust_list, 273) X(get_robust_list, 274) \
    X(utimensat, 280) X(signalfd, 282) X(signalfd4, 289) X(fallocate, 285) X(eventfd2, 290) X(epoll_create1, 291) \
    X(dup3, 292) X(pipe2, 293) X(preadv, 295) X(pwritev, 296) \
    X(rt_tgsigqueueinfo, 297)     X(prlimit64, 302) X(getcpu, 309) X(renameat2, 316) X(getrandom, 318) \
    X(memfd_create, 319) X(membarrier, 324) X(copy_file_range, 326) \
    X(statx, 332) X(rseq, 334) X(clone3, 435) X(close_range, 436) \
    X(faccessat2, 439) X(epoll_create, 213) X(epoll_wait, 232) X(epoll_ctl, 233) \
    X(epoll_pwait, 281) X(epoll_pwait2, 441) \
    X(accept, 43) X(sendto, 44) X(recvfrom, 45) X(sendmsg, 46) X(recvmsg, 47) \
    X(shutdown, 48) X(bind, 49) X(listen, 50) X(getsockname, 51) \
    X(getpeername, 52) X(socketpair, 53) X(setsockopt, 54) X(getsockopt, 55) \
    X(accept4, 288) X(recvmmsg, 299) X(sendmmsg, 307) \
    X(eventfd, 284) X(timerfd_create, 283) X(timerfd_settime, 286) \
    X(timerfd_gettime, 287) X(inotify_init, 253) X(inotify_add_watch, 254) \
    X(inotify_rm_watch, 255) X(inotify_init1, 294) X(capget, 125) X(capset, 126) \
    X(waitid, 247) X(execveat, 322) X(splice, 275) X(tee, 276) X(vmsplice, 278) \
    X(mlock, 149) X(munlock, 150) X(mlockall, 151) X(munlockall, 152) \
    X(mlock2, 325) X(personality, 135) X(setpriority, 141) \
    X(sched_get_priority_max, 146) X(sched_get_priority_min, 147) X(pidfd_open, 434)

enum {
#define X(name, nr) LU_NR_##name = nr,
    LU_SYSCALL_LIST(X)
#undef X
    LU_NR_MAX = 512                /* table size: above every number listed */
};

#endif
