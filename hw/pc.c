/*
 * pc.c — the PC board wired in straight-line code: RAM and its split
 * around the PCI hole, devices mapped at their ISA ports, ISA IRQs into the
 * PIC pair, what firmware reads about the machine (CMOS memory sizes,
 * fw_cfg RAM size and CPU count), and the tables an OS reads instead of
 * asking firmware (MP, ACPI).
 */
#include "hw/pc.h"

#include <glib.h>

#include "hw/acpi-tables.h"
#include "hw/mptable.h"

/* CMOS memory size bytes (IBM AT BIOS convention, read by SeaBIOS). */
static void pc_cmos_memory(PcBoard *pc, uint64_t ram) REQUIRES(sys_bql)
{
    uint64_t ext_kb = ram > 0x100000 ? (ram - 0x100000) / 1024 : 0;
    uint64_t above_16m = pc->below_4g > 0x1000000 ?
                         (pc->below_4g - 0x1000000) / 65536 : 0;
    uint64_t high = pc->above_4g / 65536;

    ext_kb = MIN(ext_kb, 0xffff);
    above_16m = MIN(above_16m, 0xffff);
    rtc_set_cmos(&pc->rtc, 0x15, 640 & 0xff);          /* base memory KB */
    rtc_set_cmos(&pc->rtc, 0x16, 640 >> 8);
    rtc_set_cmos(&pc->rtc, 0x17, ext_kb);              /* 1M..64M in KB */
    rtc_set_cmos(&pc->rtc, 0x18, ext_kb >> 8);
    rtc_set_cmos(&pc->rtc, 0x30, ext_kb);
    rtc_set_cmos(&pc->rtc, 0x31, ext_kb >> 8);
    rtc_set_cmos(&pc->rtc, 0x34, above_16m);           /* 64K units */
    rtc_set_cmos(&pc->rtc, 0x35, above_16m >> 8);
    rtc_set_cmos(&pc->rtc, 0x5b, high);                /* above 4G */
    rtc_set_cmos(&pc->rtc, 0x5c, high >> 8);
    rtc_set_cmos(&pc->rtc, 0x5d, high >> 16);
}

/* fw_cfg "etc/e820": packed little-endian {u64 address, u64 length,
 * u32 type} entries for RAM, as QEMU gives SeaBIOS (which adds its own
 * reserved areas). */
static void pc_fw_cfg_e820(PcBoard *pc)
{
    uint8_t table[2 * 20] = { 0 };
    uint64_t fields[2][2] = {
        { 0, pc->below_4g }, { UINT64_C(0x100000000), pc->above_4g },
    };
    int n = pc->above_4g ? 2 : 1;

    for (int i = 0; i < n; i++) {
        for (int b = 0; b < 8; b++) {
            table[i * 20 + b] = fields[i][0] >> (b * 8);
            table[i * 20 + 8 + b] = fields[i][1] >> (b * 8);
        }
        table[i * 20 + 16] = 1;                 /* E820_RAM */
    }
    fw_cfg_add_file(&pc->fw_cfg, "etc/e820", table, n * 20);
}

static void pc_map_ram(PcBoard *pc, uint64_t ram) REQUIRES(sys_bql)
{
    pc->below_4g = MIN(ram, PC_MAX_RAM_BELOW_4G);
    pc->above_4g = ram - pc->below_4g;
    sys_mr_init_ram(&pc->ram, "pc.ram", ram);
    sys_mr_init_alias(&pc->ram_below_4g, "ram-below-4g", pc->below_4g,
                      &pc->ram, 0);
    sys_mr_add_subregion(&pc->sysmem, 0, &pc->ram_below_4g);
    if (pc->above_4g) {
        sys_mr_init_alias(&pc->ram_above_4g, "ram-above-4g", pc->above_4g,
                          &pc->ram, pc->below_4g);
        sys_mr_add_subregion(&pc->sysmem, UINT64_C(0x100000000),
                             &pc->ram_above_4g);
    }
}

/* ISA IRQ n reaches PIC input n and I/O APIC pin n, except that the
 * timer (IRQ0) is on pin 2 (the override MP tables and ACPI declare). */
static SysIrqLine isa_irq(PcBoard *pc, int n)
{
    SysIrqFanout *f = &pc->isa_irq[n];

    if (f->n == 0) {
        f->out[f->n++] = pic_input(&pc->pic, n);
        f->out[f->n++] = ioapic_input(&pc->ioapic, n == 0 ? 2 : n);
    }
    return sys_irq_fanout_line(f);
}

static void pc_init_devices(PcBoard *pc, const PcConfig *cfg)
    REQUIRES(sys_bql)
{
    pic_init(&pc->pic, cfg->cpu_int);
    apic_bus_init(&pc->apic_bus, &pc->ioapic);
    if (cfg->apic_deliver) {
        ioapic_init(&pc->ioapic, cfg->apic_deliver, cfg->cb_opaque);
    } else {
        ioapic_init(&pc->ioapic, apic_bus_ioapic_deliver, &pc->apic_bus);
    }
    pc->ioapic.id = cfg->ncpus & 0x0f;  /* after the CPUs' APIC IDs, as MP
                                           tables (hw/mptable.c) give it */
    pit_init(&pc->pit, cfg->clock, isa_irq(pc, 0));
    rtc_init(&pc->rtc, cfg->clock, isa_irq(pc, 8), cfg->rtc_start);
    uart_init(&pc->com1, cfg->clock, isa_irq(pc, 4), cfg->serial_sink,
              cfg->sink_opaque);
    i8042_init(&pc->kbc, isa_irq(pc, 1), isa_irq(pc, 12), cfg->reset_cb,
               cfg->a20_cb, cfg->cb_opaque);
    pci_host_init(&pc->pci);
    piix3_init(&pc->piix3, &pc->pci.bus, &pc->pic);
    for (int i = 0; i < 4; i++) {
        pc->piix3.apic_pirq[i] = ioapic_input(&pc->ioapic, 16 + i);
    }
    fw_cfg_init(&pc->fw_cfg);
    acpi_pm_init(&pc->acpi_pm, cfg->clock, cfg->sleep_cb, cfg->cb_opaque);
    debug_exit_init(&pc->debug_exit, 1, cfg->exit_cb, cfg->cb_opaque);
    debugcon_init(&pc->debugcon, cfg->debugcon_sink, cfg->sink_opaque);
    port80_init(&pc->port80);
    port92_init(&pc->port92, cfg->reset_cb, cfg->a20_cb, cfg->cb_opaque);
}

static void pc_map_io(PcBoard *pc) REQUIRES(sys_bql)
{
    MemoryRegion *io = &pc->iomem;

    sys_mr_add_subregion(io, 0x20, &pc->pic.io_master);
    sys_mr_add_subregion(io, 0xa0, &pc->pic.io_slave);
    sys_mr_add_subregion(io, 0x4d0, &pc->pic.io_elcr);
    sys_mr_add_subregion(io, 0x40, &pc->pit.io);
    sys_mr_add_subregion(io, 0x61, &pc->pit.io_speaker);
    sys_mr_add_subregion(io, 0x70, &pc->rtc.io);
    sys_mr_add_subregion(io, 0x3f8, &pc->com1.io);
    sys_mr_add_subregion(io, 0x60, &pc->kbc.io_data);
    sys_mr_add_subregion(io, 0x64, &pc->kbc.io_cmd);
    sys_mr_add_subregion(io, 0xcf8, &pc->pci.io_addr);
    sys_mr_add_subregion(io, 0xcfc, &pc->pci.io_data);
    sys_mr_add_subregion(io, FW_CFG_IOBASE, &pc->fw_cfg.io);
    sys_mr_add_subregion(io, FW_CFG_DMA_IOBASE, &pc->fw_cfg.io_dma);
    sys_mr_add_subregion(io, ACPI_PM_IOBASE, &pc->acpi_pm.io);
    sys_mr_add_subregion(io, DEBUG_EXIT_DEFAULT_IOBASE, &pc->debug_exit.io);
    sys_mr_add_subregion(io, DEBUGCON_PORT, &pc->debugcon.io);
    sys_mr_add_subregion(io, 0x80, &pc->port80.io);
    sys_mr_add_subregion(io, 0x92, &pc->port92.io);
}

PcBoard *pc_new(const PcConfig *cfg)
{
    PcBoard *pc = g_new0(PcBoard, 1);

    sys_memory_begin();
    sys_mr_init_container(&pc->sysmem, "system", UINT64_MAX);
    sys_mr_init_container(&pc->iomem, "io", 0x10000);
    pc->as_mem = sys_as_new("memory", &pc->sysmem);
    pc->as_io = sys_as_new("I/O", &pc->iomem);
    pc_map_ram(pc, cfg->ram_size);
    pc_init_devices(pc, cfg);
    pc_map_io(pc);
    sys_mr_add_subregion(&pc->sysmem, IOAPIC_BASE, &pc->ioapic.mmio);
    sys_mr_add_subregion(&pc->sysmem, APIC_DEFAULT_BASE, &pc->apic_bus.mmio);
    sys_memory_commit();

    pc_cmos_memory(pc, cfg->ram_size);
    fw_cfg_add_i64(&pc->fw_cfg, FW_CFG_RAM_SIZE, cfg->ram_size);
    fw_cfg_add_i16(&pc->fw_cfg, FW_CFG_NB_CPUS, cfg->ncpus);
    fw_cfg_add_i16(&pc->fw_cfg, FW_CFG_MAX_CPUS, cfg->ncpus);
    pc_fw_cfg_e820(pc);
    fw_cfg_enable_dma(&pc->fw_cfg, pc->as_mem);
    mptable_build(pc->as_mem, MPTABLE_DEFAULT_ADDR, cfg->ncpus,
                  pc->ioapic.id);
    acpi_tables_build(pc->as_mem, ACPI_TABLES_ADDR, cfg->ncpus,
                      pc->ioapic.id);
    pc_reset(pc);
    return pc;
}

void pc_reset(PcBoard *pc)
{
    pic_reset(&pc->pic);
    ioapic_reset(&pc->ioapic);
    pit_reset(&pc->pit);
    rtc_reset(&pc->rtc);
    uart_reset(&pc->com1);
    i8042_reset(&pc->kbc);
    piix3_reset(&pc->piix3);
    port92_reset(&pc->port92);
    fw_cfg_reset(&pc->fw_cfg);
    acpi_pm_reset(&pc->acpi_pm);
}

void pc_free(PcBoard *pc)
{
    sys_bql_lock();
    pit_reset(&pc->pit);                /* disarm timers */
    uart_reset(&pc->com1);
    rtc_reset(&pc->rtc);
    sys_bql_unlock();
    sys_as_free(pc->as_io);
    sys_as_free(pc->as_mem);
    fw_cfg_fini(&pc->fw_cfg);
    sys_mr_fini(&pc->ram);
    g_free(pc);
}
