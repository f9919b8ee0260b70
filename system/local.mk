# system/local.mk — the system emulator.

# ---- sysmon: main loop, iothreads, chardevs, vCPU lifecycle, monitors,
# ---- command line (ferry-system-x86_64). hw-standin.* goes when hw lands.
noinst_LIBRARIES += system/libsysmain.a
system_libsysmain_a_SOURCES = \
	system/hw-standin.c system/hw-standin.h \
	system/main-loop.c system/main-loop.h \
	system/iothread.c system/iothread.h \
	system/chardev.c system/chardev.h
system_libsysmain_a_SOURCES += \
	system/runstate.h \
	system/vcpu.c system/vcpu.h system/accel-null.c \
	system/json.c system/json.h
