# hw/local.mk — devices, one per file, and the board that wires them.
noinst_LIBRARIES += hw/libhw.a

hw_libhw_a_SOURCES = \
	hw/i8259.c hw/i8259.h \
	hw/i8254.c hw/i8254.h \
	hw/uart16550.c hw/uart16550.h \
	hw/debug-exit.c hw/debug-exit.h \
	hw/debugcon.c hw/debugcon.h \
	hw/port80.c hw/port80.h \
	hw/port92.c hw/port92.h \
	hw/mc146818.c hw/mc146818.h \
	hw/pci-host.c hw/pci-host.h \
	hw/piix3.c hw/piix3.h \
	hw/fw-cfg.c hw/fw-cfg.h \
	hw/i8042.c hw/i8042.h \
	hw/ioapic.c hw/ioapic.h \
	hw/apic.c hw/apic.h \
	hw/pc.c hw/pc.h \
	hw/e820.c hw/e820.h \
	hw/multiboot.c hw/multiboot.h \
	hw/linux-boot.c hw/linux-boot.h \
	hw/mptable.c hw/mptable.h \
	hw/bios-tables.h \
	hw/acpi-pm.c hw/acpi-pm.h \
	hw/acpi-tables.c hw/acpi-tables.h
