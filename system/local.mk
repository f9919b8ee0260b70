# system/local.mk — the system emulator's core: big lock, memory map (RCU),
# interrupt lines, virtual clocks and timers, log classes, the main loop
# and character backends, vCPU threads, the human monitor.
noinst_LIBRARIES += system/libsystem.a

system_libsystem_a_SOURCES = \
	system/thread-annot.h \
	system/bql.c system/bql.h \
	system/log.c system/log.h \
	system/rcu.h \
	system/memory.c system/memory.h \
	system/irq.c system/irq.h \
	system/clock.c system/clock.h \
	system/main-loop.c system/main-loop.h \
	system/chardev.c system/chardev.h \
	system/cpus.c system/cpus.h \
	system/monitor.c system/monitor.h
