# tests/linux-user/local.mk — unit tests of the linux-user pieces (loader,
# stack, syscall conversions) and the end-to-end guest program runs.
LU_TEST_LDADD = linux-user/liblu.a jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/linux-user/test-elfload tests/linux-user/test-stack
TESTS += tests/linux-user/test-elfload tests/linux-user/test-stack
tests_linux_user_test_elfload_SOURCES = tests/linux-user/test-elfload.c
tests_linux_user_test_elfload_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_linux_user_test_elfload_LDADD = $(LU_TEST_LDADD)
tests_linux_user_test_stack_SOURCES = tests/linux-user/test-stack.c
tests_linux_user_test_stack_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_linux_user_test_stack_LDADD = $(LU_TEST_LDADD)

check_PROGRAMS += tests/linux-user/test-syscall
TESTS += tests/linux-user/test-syscall
tests_linux_user_test_syscall_SOURCES = tests/linux-user/test-syscall.c
tests_linux_user_test_syscall_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_linux_user_test_syscall_LDADD = $(LU_TEST_LDADD)
