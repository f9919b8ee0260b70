# tests/system/local.mk — Check tests for the system emulator core and the
# devices, driven through the memory map as a vCPU would drive them.
SYSTEST_LIBS = hw/libhw.a system/libsystem.a jit/libjit.a $(FERRY_BASE_LIBS) \
	$(CHECK_LIBS)

check_PROGRAMS += tests/system/test-memory
TESTS += tests/system/test-memory
tests_system_test_memory_SOURCES = tests/system/test-memory.c \
	tests/system/systest.h
tests_system_test_memory_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-memory-threads
TESTS += tests/system/test-memory-threads
tests_system_test_memory_threads_SOURCES = tests/system/test-memory-threads.c \
	tests/system/systest.h
tests_system_test_memory_threads_LDADD = $(SYSTEST_LIBS)

# Device tests: one per device, sharing the I/O space helpers.
DEVTEST_SOURCES = tests/system/devtest.c tests/system/devtest.h \
	tests/system/systest.h

check_PROGRAMS += tests/system/test-i8259
TESTS += tests/system/test-i8259
tests_system_test_i8259_SOURCES = tests/system/test-i8259.c $(DEVTEST_SOURCES)
tests_system_test_i8259_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-i8254
TESTS += tests/system/test-i8254
tests_system_test_i8254_SOURCES = tests/system/test-i8254.c $(DEVTEST_SOURCES)
tests_system_test_i8254_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-uart16550
TESTS += tests/system/test-uart16550
tests_system_test_uart16550_SOURCES = tests/system/test-uart16550.c \
	$(DEVTEST_SOURCES)
tests_system_test_uart16550_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-debug-ports
TESTS += tests/system/test-debug-ports
tests_system_test_debug_ports_SOURCES = tests/system/test-debug-ports.c \
	$(DEVTEST_SOURCES)
tests_system_test_debug_ports_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-mc146818
TESTS += tests/system/test-mc146818
tests_system_test_mc146818_SOURCES = tests/system/test-mc146818.c \
	$(DEVTEST_SOURCES)
tests_system_test_mc146818_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-pci-host
TESTS += tests/system/test-pci-host
tests_system_test_pci_host_SOURCES = tests/system/test-pci-host.c \
	$(DEVTEST_SOURCES)
tests_system_test_pci_host_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-fw-cfg
TESTS += tests/system/test-fw-cfg
tests_system_test_fw_cfg_SOURCES = tests/system/test-fw-cfg.c \
	$(DEVTEST_SOURCES)
tests_system_test_fw_cfg_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-i8042
TESTS += tests/system/test-i8042
tests_system_test_i8042_SOURCES = tests/system/test-i8042.c $(DEVTEST_SOURCES)
tests_system_test_i8042_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-pc
TESTS += tests/system/test-pc
tests_system_test_pc_SOURCES = tests/system/test-pc.c tests/system/systest.h
tests_system_test_pc_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-multiboot
TESTS += tests/system/test-multiboot
tests_system_test_multiboot_SOURCES = tests/system/test-multiboot.c \
	tests/system/systest.h
tests_system_test_multiboot_LDADD = $(SYSTEST_LIBS)


check_PROGRAMS += tests/system/test-memory-flatten
TESTS += tests/system/test-memory-flatten
tests_system_test_memory_flatten_SOURCES = tests/system/test-memory-flatten.c \
	tests/system/systest.h
tests_system_test_memory_flatten_LDADD = $(SYSTEST_LIBS)



check_PROGRAMS += tests/system/test-clock
TESTS += tests/system/test-clock
tests_system_test_clock_SOURCES = tests/system/test-clock.c \
	tests/system/systest.h
tests_system_test_clock_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-pc-fuzz
TESTS += tests/system/test-pc-fuzz
tests_system_test_pc_fuzz_SOURCES = tests/system/test-pc-fuzz.c \
	tests/system/systest.h
tests_system_test_pc_fuzz_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-piix3
TESTS += tests/system/test-piix3
tests_system_test_piix3_SOURCES = tests/system/test-piix3.c \
	tests/system/systest.h
tests_system_test_piix3_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-ioapic
TESTS += tests/system/test-ioapic
tests_system_test_ioapic_SOURCES = tests/system/test-ioapic.c \
	tests/system/systest.h
tests_system_test_ioapic_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-linux-boot
TESTS += tests/system/test-linux-boot
tests_system_test_linux_boot_SOURCES = tests/system/test-linux-boot.c \
	tests/system/systest.h
tests_system_test_linux_boot_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-apic
TESTS += tests/system/test-apic
tests_system_test_apic_SOURCES = tests/system/test-apic.c $(DEVTEST_SOURCES)
tests_system_test_apic_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-mptable
TESTS += tests/system/test-mptable
tests_system_test_mptable_SOURCES = tests/system/test-mptable.c \
	tests/system/systest.h
tests_system_test_mptable_LDADD = $(SYSTEST_LIBS)

check_PROGRAMS += tests/system/test-acpi
TESTS += tests/system/test-acpi
tests_system_test_acpi_SOURCES = tests/system/test-acpi.c \
	tests/system/systest.h
tests_system_test_acpi_LDADD = $(SYSTEST_LIBS)

# The threaded system tests and the whole machine (through test-qmp) under
# ThreadSanitizer, built by the script itself with clang-16 (skipped
# without it and in cross builds); about a minute.
TESTS += tests/system/tsan.sh
EXTRA_DIST += tests/system/tsan.sh tests/system/tsan.supp
