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
