// SPDX-License-Identifier: GPL-2.0
/*
 * Time VFIO_IOMMU_MAP_DMA of a vfio-pci BAR, as QEMU does for peer-to-peer:
 * the BAR is mmap'd from the device fd and that vaddr range is DMA-mapped,
 * through a type1 container (/dev/vfio/vfio) or iommufd's type1 compat
 * (/dev/iommu). Prints one line per case:
 *
 *   bar_map: <case> size=<bytes> map_us=<best> unmap_us=<best> leaves=<n>
 *
 * The cases are the mmap at a 1 GiB-aligned vaddr, 2 MiB and 4 KiB off it,
 * untouched and (aligned, 4 KiB off) after the CPU has read every page.
 * leaves is the number of IOMMU leaf entries under the mapping, read from
 * intel-iommu's debugfs. Then, with the BAR mapped and without, the time a
 * write of the command register takes to turn memory decode off (the
 * revoke) and on again (the restore):
 *
 *   bar_map: toggle off_us=<best> on_us=<best> off_unmapped_us=<best> on_unmapped_us=<best>
 *
 * The last line maps the BAR once more, closes the device (munmap, then
 * close of the device fd) and reports how long that took and how many
 * leaves are still there afterwards:
 *
 *   bar_map: close close_us=<t> leaves_after_close=<n>
 *
 * Usage: bar-map <bdf> [region] [rounds] [type1|compat]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#define SZ_4K	0x1000UL
#define SZ_2M	0x200000UL
#define SZ_1G	0x40000000UL
#define IOVA	(64 * SZ_1G)

static const char *bdf;
static int container, group, device;
static struct vfio_region_info region, config;
static void *resv;

static void die(const char *what)
{
	fprintf(stderr, "bar-map: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void open_device(const char *container_path)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die(path);
	link[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));

	container = open(container_path, O_RDWR);
	if (container < 0)
		die(container_path);
	group = open(path, O_RDWR);
	if (group < 0)
		die(path);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (device < 0)
		die("VFIO_GROUP_GET_DEVICE_FD");
}

/* mmap the region at a 1 GiB-aligned vaddr plus @skew. */
static void *map_bar(unsigned long skew)
{
	unsigned long at;
	void *va;

	resv = mmap(NULL, region.size + 2 * SZ_1G, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		die("mmap reserve");
	at = ((unsigned long)resv + SZ_1G - 1) & ~(SZ_1G - 1);
	va = mmap((void *)(at + skew), region.size, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_FIXED, device, region.offset);
	if (va == MAP_FAILED)
		die("mmap BAR");
	return va;
}

/* The BAR lies inside the reservation: one munmap() takes both away. */
static void unmap_bar(void)
{
	if (munmap(resv, region.size + 2 * SZ_1G))
		die("munmap BAR");
}

static void touch(void *va)
{
	volatile uint32_t *p;
	unsigned long off;

	for (off = 0; off < region.size; off += SZ_4K) {
		p = (volatile uint32_t *)((char *)va + off);
		(void)*p;
	}
}

static int count_leaves(void)
{
	char path[PATH_MAX], line[256];
	unsigned long pfn, first = IOVA / SZ_4K, last = first + region.size / SZ_4K;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/kernel/debug/iommu/intel/%s/domain_translation_struct", bdf);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "0x%lx |", &pfn) == 1 && pfn >= first && pfn < last)
			n++;
	fclose(f);
	return n;
}

static int map_dma(void *va)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va,
		.iova = IOVA,
		.size = region.size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map);
}

static void unmap_dma(void)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = IOVA,
		.size = region.size,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		die("VFIO_IOMMU_UNMAP_DMA");
	if (unmap.size != region.size) {
		fprintf(stderr, "bar-map: UNMAP_DMA unmapped %llu of %llu bytes\n",
			(unsigned long long)unmap.size,
			(unsigned long long)region.size);
		exit(1);
	}
}

/* Memory decode of the device on or off, and the time that took in us */
static double set_memory(int on)
{
	off_t at = config.offset + PCI_COMMAND;
	uint16_t cmd;
	double t;

	if (pread(device, &cmd, sizeof(cmd), at) != sizeof(cmd))
		die("read PCI_COMMAND");
	cmd = on ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
	t = now_us();
	if (pwrite(device, &cmd, sizeof(cmd), at) != sizeof(cmd))
		die("write PCI_COMMAND");
	return now_us() - t;
}

static void min_of(double *best, double t, int first)
{
	if (first || t < *best)
		*best = t;
}

static void run_toggle(int rounds)
{
	double off = 0, on = 0, off0 = 0, on0 = 0;
	void *va;
	int i;

	va = map_bar(0);
	for (i = 0; i < rounds; i++) {
		min_of(&off0, set_memory(0), !i);
		min_of(&on0, set_memory(1), !i);
	}
	if (map_dma(va))
		die("VFIO_IOMMU_MAP_DMA");
	for (i = 0; i < rounds; i++) {
		min_of(&off, set_memory(0), !i);
		min_of(&on, set_memory(1), !i);
	}
	unmap_dma();
	unmap_bar();
	printf("bar_map: toggle off_us=%.0f on_us=%.0f off_unmapped_us=%.0f on_unmapped_us=%.0f\n",
	       off, on, off0, on0);
	fflush(stdout);
}

static void run_case(const char *name, unsigned long skew, int touched, int rounds)
{
	double t, map_us = 0, unmap_us = 0;
	int i, leaves = -1;
	void *va;

	for (i = 0; i < rounds; i++) {
		va = map_bar(skew);
		if (touched)
			touch(va);
		t = now_us();
		if (map_dma(va))
			die("VFIO_IOMMU_MAP_DMA");
		t = now_us() - t;
		if (!i || t < map_us)
			map_us = t;
		leaves = count_leaves();
		t = now_us();
		unmap_dma();
		t = now_us() - t;
		if (!i || t < unmap_us)
			unmap_us = t;
		unmap_bar();
	}
	printf("bar_map: %s size=%llu map_us=%.0f unmap_us=%.0f leaves=%d\n",
	       name, (unsigned long long)region.size, map_us, unmap_us, leaves);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int rounds;
	double t;
	void *va;

	if (argc < 2) {
		fprintf(stderr, "usage: %s <bdf> [region] [rounds] [type1|compat]\n",
			argv[0]);
		return 2;
	}
	bdf = argv[1];
	region.argsz = sizeof(region);
	region.index = argc > 2 ? atoi(argv[2]) : VFIO_PCI_BAR2_REGION_INDEX;
	rounds = argc > 3 ? atoi(argv[3]) : 3;

	open_device(argc > 4 && !strcmp(argv[4], "compat") ?
		    "/dev/iommu" : "/dev/vfio/vfio");
	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &region))
		die("VFIO_DEVICE_GET_REGION_INFO");
	config.argsz = sizeof(config);
	config.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &config))
		die("VFIO_DEVICE_GET_REGION_INFO config");
	if (!(region.flags & VFIO_REGION_INFO_FLAG_MMAP) || region.size < SZ_1G) {
		fprintf(stderr, "bar-map: region %u of %s: size %llu, flags %#x: need an mmap-able region of 1 GiB or more\n",
			region.index, bdf, (unsigned long long)region.size, region.flags);
		return 1;
	}

	run_case("aligned-untouched", 0, 0, rounds);
	run_case("aligned-touched", 0, 1, rounds);
	run_case("offset2m-untouched", SZ_2M, 0, rounds);
	run_case("offset4k-untouched", SZ_4K, 0, rounds);
	run_case("offset4k-touched", SZ_4K, 1, rounds);
	run_toggle(rounds);

	/* Map once more, then let the device go the way a process exit does. */
	va = map_bar(0);
	if (map_dma(va))
		die("VFIO_IOMMU_MAP_DMA");
	t = now_us();
	unmap_bar();
	close(device);
	t = now_us() - t;
	printf("bar_map: close close_us=%.0f leaves_after_close=%d\n", t, count_leaves());
	unmap_dma();
	return 0;
}
