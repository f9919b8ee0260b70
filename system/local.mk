# system/local.mk — the system emulator's core: big lock, memory map (RCU),
# interrupt lines, virtual clocks and timers, log classes.
noinst_LIBRARIES += system/libsystem.a

system_libsystem_a_SOURCES = \
	system/thread-annot.h \
	system/bql.c system/bql.h \
	system/log.c system/log.h \
	system/rcu.h \
	system/memory.c system/memory.h \
	system/irq.c system/irq.h \
	system/clock.c system/clock.h

# ---- sysmon: main loop, iothreads, chardevs, vCPU lifecycle, monitors,
# ---- command line (ferry-system-x86_64).
noinst_LIBRARIES += system/libsysmain.a
system_libsysmain_a_SOURCES = \
	system/main-loop.c system/main-loop.h \
	system/callq.c system/callq.h \
	system/iothread.c system/iothread.h \
	system/chardev.c system/chardev.h
system_libsysmain_a_SOURCES += \
	system/runstate.h \
	system/vcpu.c system/vcpu.h system/accel-null.c \
	system/json.c system/json.h
system_libsysmain_a_SOURCES += \
	system/runstate.c \
	system/monitor-qmp.c system/monitor-qmp.h
system_libsysmain_a_SOURCES += system/monitor-hmp.c system/monitor-hmp.h
system_libsysmain_a_SOURCES += \
	system/device.c system/device.h \
	system/options.c system/options.h \
	system/machine.c system/machine.h system/accel-kvm.h
# KVM runs x86 guests only on x86-64 hosts.
if HOST_X86_64
system_libsysmain_a_SOURCES += system/accel-kvm.c
else
system_libsysmain_a_SOURCES += system/accel-kvm-none.c
endif

bin_PROGRAMS += system/ferry-system-x86_64
system_ferry_system_x86_64_SOURCES = system/main.c
system_ferry_system_x86_64_LDADD = system/libsysmain.a hw/libhw.a \
	system/libsystem.a \
	jit/libjit.a \
	$(FERRY_BASE_LIBS)

# Tests (sources under tests/system/, which the hw helper's local.mk owns).
SYSMON_TEST_LIBS = system/libsysmain.a hw/libhw.a system/libsystem.a \
	jit/libjit.a \
	$(FERRY_BASE_LIBS) \
	$(CHECK_LIBS)

check_PROGRAMS += tests/system/test-json
TESTS += tests/system/test-json
tests_system_test_json_SOURCES = tests/system/test-json.c
tests_system_test_json_LDADD = $(SYSMON_TEST_LIBS)

check_PROGRAMS += tests/system/test-vcpu
TESTS += tests/system/test-vcpu
tests_system_test_vcpu_SOURCES = tests/system/test-vcpu.c
tests_system_test_vcpu_LDADD = $(SYSMON_TEST_LIBS)

check_PROGRAMS += tests/system/test-main-loop
TESTS += tests/system/test-main-loop
tests_system_test_main_loop_SOURCES = tests/system/test-main-loop.c
tests_system_test_main_loop_LDADD = $(SYSMON_TEST_LIBS)

# Drives system/ferry-system-x86_64 as a child: built first.
check_PROGRAMS += tests/system/test-qmp
TESTS += tests/system/test-qmp
tests_system_test_qmp_SOURCES = tests/system/test-qmp.c
tests_system_test_qmp_CPPFLAGS = $(AM_CPPFLAGS) -DFERRY_TEST_WRAPPER=\"$(TEST_WRAPPER)\"
tests_system_test_qmp_LDADD = $(SYSMON_TEST_LIBS)
tests_system_test_qmp_DEPENDENCIES = system/ferry-system-x86_64 \
	system/libsysmain.a

check_PROGRAMS += tests/system/test-options
TESTS += tests/system/test-options
tests_system_test_options_SOURCES = tests/system/test-options.c
tests_system_test_options_LDADD = $(SYSMON_TEST_LIBS)

# -accel kvm end to end (skipped without a usable /dev/kvm).
check_PROGRAMS += tests/system/test-kvm
TESTS += tests/system/test-kvm
tests_system_test_kvm_SOURCES = tests/system/test-kvm.c
tests_system_test_kvm_LDADD = $(FERRY_BASE_LIBS)
tests_system_test_kvm_DEPENDENCIES = system/ferry-system-x86_64
