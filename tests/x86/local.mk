# tests/x86/local.mk — x86 front-end tests: decoder cross-checks against
# capstone, decoder unit tests, the guard-page random-bytes run. The
# libFuzzer target is built by `make fuzz-decode` (clang-16), not by check.

check_PROGRAMS += tests/x86/test-decode-capstone
TESTS += tests/x86/test-decode-capstone
tests_x86_test_decode_capstone_SOURCES = tests/x86/test-decode-capstone.c
tests_x86_test_decode_capstone_LDADD = frontend-x86/libfrontend.a \
	$(CAPSTONE_LIBS)
tests_x86_test_decode_capstone_SOURCES += tests/x86/native-length.c \
	tests/x86/native-length.h

check_PROGRAMS += tests/x86/test-decode
TESTS += tests/x86/test-decode
tests_x86_test_decode_SOURCES = tests/x86/test-decode.c
tests_x86_test_decode_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_decode_LDADD = frontend-x86/libfrontend.a $(CHECK_LIBS)
