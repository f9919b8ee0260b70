/*
 * procfs-cpuinfo.c — the guest's /proc/cpuinfo: the x86 kernel's format
 * (arch/x86/kernel/cpu/proc.c) filled from the CPUID the guest sees, so
 * the flags follow ferry's CPU model rather than the host's. One block per
 * online host CPU, since guest threads run on all of them.
 */
#include "linux-user/procfs.h"

#include <string.h>
#include <sys/sysinfo.h>

/* Flag names in the kernel's order of capability words, with the CPUID
 * leaf, subleaf, register (0 eax .. 3 edx) and bit each comes from
 * (arch/x86/include/asm/cpufeatures.h). */
typedef struct CpuFlag {
    uint32_t leaf;
    uint8_t reg, bit;
    const char *name;
} CpuFlag;

#define F1D(b, n) { 1, 3, b, n }
#define E1D(b, n) { 0x80000001, 3, b, n }
#define F1C(b, n) { 1, 2, b, n }
#define E1C(b, n) { 0x80000001, 2, b, n }
#define F7B(b, n) { 7, 1, b, n }
#define F7C(b, n) { 7, 2, b, n }
#define F7D(b, n) { 7, 3, b, n }

static const CpuFlag flags[] = {
    F1D(0, "fpu"), F1D(1, "vme"), F1D(2, "de"), F1D(3, "pse"), F1D(4, "tsc"),
    F1D(5, "msr"), F1D(6, "pae"), F1D(7, "mce"), F1D(8, "cx8"), F1D(9, "apic"),
    F1D(11, "sep"), F1D(12, "mtrr"), F1D(13, "pge"), F1D(14, "mca"), F1D(15, "cmov"),
    F1D(16, "pat"), F1D(17, "pse36"), F1D(18, "pn"), F1D(19, "clflush"), F1D(21, "dts"),
    F1D(22, "acpi"), F1D(23, "mmx"), F1D(24, "fxsr"), F1D(25, "sse"), F1D(26, "sse2"),
    F1D(27, "ss"), F1D(28, "ht"), F1D(29, "tm"), F1D(30, "ia64"), F1D(31, "pbe"),
    E1D(11, "syscall"), E1D(19, "mp"), E1D(20, "nx"), E1D(22, "mmxext"),
    E1D(25, "fxsr_opt"), E1D(26, "pdpe1gb"), E1D(27, "rdtscp"), E1D(29, "lm"),
    E1D(30, "3dnowext"), E1D(31, "3dnow"),
    F1C(0, "pni"), F1C(1, "pclmulqdq"), F1C(2, "dtes64"), F1C(3, "monitor"),
    F1C(4, "ds_cpl"), F1C(5, "vmx"), F1C(6, "smx"), F1C(7, "est"), F1C(8, "tm2"),
    F1C(9, "ssse3"), F1C(10, "cid"), F1C(11, "sdbg"), F1C(12, "fma"), F1C(13, "cx16"),
    F1C(14, "xtpr"), F1C(15, "pdcm"), F1C(17, "pcid"), F1C(18, "dca"), F1C(19, "sse4_1"),
    F1C(20, "sse4_2"), F1C(21, "x2apic"), F1C(22, "movbe"), F1C(23, "popcnt"),
    F1C(24, "tsc_deadline_timer"), F1C(25, "aes"), F1C(26, "xsave"), F1C(28, "avx"),
    F1C(29, "f16c"), F1C(30, "rdrand"), F1C(31, "hypervisor"),
    E1C(0, "lahf_lm"), E1C(1, "cmp_legacy"), E1C(2, "svm"), E1C(3, "extapic"),
    E1C(4, "cr8_legacy"), E1C(5, "abm"), E1C(6, "sse4a"), E1C(7, "misalignsse"),
    E1C(8, "3dnowprefetch"), E1C(9, "osvw"), E1C(10, "ibs"), E1C(11, "xop"),
    E1C(12, "skinit"), E1C(13, "wdt"), E1C(15, "lwp"), E1C(16, "fma4"), E1C(17, "tce"),
    E1C(19, "nodeid_msr"), E1C(21, "tbm"), E1C(22, "topoext"),
    F7B(0, "fsgsbase"), F7B(1, "tsc_adjust"), F7B(2, "sgx"), F7B(3, "bmi1"), F7B(4, "hle"),
    F7B(5, "avx2"), F7B(7, "smep"), F7B(8, "bmi2"), F7B(9, "erms"), F7B(10, "invpcid"),
    F7B(11, "rtm"), F7B(14, "mpx"), F7B(16, "avx512f"), F7B(17, "avx512dq"),
    F7B(18, "rdseed"), F7B(19, "adx"), F7B(20, "smap"), F7B(21, "avx512ifma"),
    F7B(23, "clflushopt"), F7B(24, "clwb"), F7B(26, "avx512pf"), F7B(27, "avx512er"),
    F7B(28, "avx512cd"), F7B(29, "sha_ni"), F7B(30, "avx512bw"), F7B(31, "avx512vl"),
    F7C(1, "avx512vbmi"), F7C(2, "umip"), F7C(3, "pku"), F7C(5, "waitpkg"),
    F7C(6, "avx512_vbmi2"), F7C(8, "gfni"), F7C(9, "vaes"), F7C(10, "vpclmulqdq"),
    F7C(11, "avx512_vnni"), F7C(12, "avx512_bitalg"), F7C(14, "avx512_vpopcntdq"),
    F7C(16, "la57"), F7C(22, "rdpid"), F7C(27, "movdiri"), F7C(28, "movdir64b"),
    F7D(4, "fsrm"), F7D(8, "avx512_vp2intersect"), F7D(14, "serialize"),
};

/* The leaves the flags come from, each read once. */
static void append_flags(GString *s, LuCpuidFn cpuid, uint32_t max_leaf, uint32_t max_ext)
{
    static const uint32_t leaves[] = { 1, 7, 0x80000001 };
    uint32_t regs[G_N_ELEMENTS(leaves)][4] = { { 0 } };
    for (unsigned i = 0; i < G_N_ELEMENTS(leaves); i++) {
        uint32_t l = leaves[i];
        if ((l < 0x80000000 && l <= max_leaf) || (l >= 0x80000000 && l <= max_ext)) {
            cpuid(l, 0, regs[i]);
        }
    }
    g_string_append(s, "flags\t\t:");
    for (unsigned i = 0; i < G_N_ELEMENTS(flags); i++) {
        unsigned k = flags[i].leaf == 1 ? 0 : flags[i].leaf == 7 ? 1 : 2;
        if (regs[k][flags[i].reg] & (1u << flags[i].bit)) {
            g_string_append_printf(s, " %s", flags[i].name);
        }
    }
    g_string_append_c(s, '\n');
}

/* The brand string of leaves 0x80000002-4, or "" when there is none. */
static void brand(LuCpuidFn cpuid, uint32_t max_ext, char out[49])
{
    memset(out, 0, 49);
    for (uint32_t l = 0x80000002; l <= 0x80000004 && l <= max_ext; l++) {
        uint32_t r[4];
        cpuid(l, 0, r);
        memcpy(out + (l - 0x80000002) * 16, r, 16);
    }
    g_strstrip(out);
}

GString *lu_procfs_cpuinfo(LuCpuidFn cpuid)
{
    uint32_t r0[4], r1[4] = { 0 }, e0[4];
    cpuid(0, 0, r0);
    cpuid(0x80000000, 0, e0);
    uint32_t max_ext = e0[0] >= 0x80000000 ? e0[0] : 0;
    if (r0[0] >= 1) {
        cpuid(1, 0, r1);
    }
    char vendor[13] = { 0 }, name[49];
    memcpy(vendor, &r0[1], 4);
    memcpy(vendor + 4, &r0[3], 4);
    memcpy(vendor + 8, &r0[2], 4);
    brand(cpuid, max_ext, name);
    unsigned family = (r1[0] >> 8) & 0xf, model = (r1[0] >> 4) & 0xf;
    if (family == 0xf) {
        family += (r1[0] >> 20) & 0xff;
    }
    if (family >= 6) {
        model |= ((r1[0] >> 16) & 0xf) << 4;
    }
    int n = get_nprocs();
    GString *s = g_string_new(NULL);
    for (int cpu = 0; cpu < n; cpu++) {
        g_string_append_printf(s, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\n"
                               "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n"
                               "cpu MHz\t\t: 1000.000\n"
                               "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\n"
                               "cpu cores\t: %d\napicid\t\t: %d\ninitial apicid\t: %d\n"
                               "fpu\t\t: %s\nfpu_exception\t: %s\ncpuid level\t: %u\n"
                               "wp\t\t: yes\n", cpu, vendor, family, model,
                               name[0] ? name : "ferry x86-64", r1[0] & 0xf, n, cpu, n, cpu,
                               cpu, (r1[3] & 1) ? "yes" : "no", (r1[3] & 1) ? "yes" : "no",
                               r0[0]);
        append_flags(s, cpuid, r0[0], max_ext);
        /* 1 GHz: the rate of ferry's RDTSC (frontend-x86/system.c). */
        g_string_append(s, "bugs\t\t:\nbogomips\t: 2000.00\n"
                        "clflush size\t: 64\ncache_alignment\t: 64\n"
                        "address sizes\t: 48 bits physical, 48 bits virtual\n"
                        "power management:\n\n");
    }
    return s;
}
