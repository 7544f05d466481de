/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crashwriter.c - writes numbered 4 KiB records to a file and, after each
 * group of records is made durable (fsync), appends the highest durable
 * record number to a journal on another (local) filesystem.  Run on an NFS
 * mount while the server is killed and restarted: afterwards `crashwriter
 * -c FILE JOURNAL` checks that every record the journal says was durable is
 * intact.  The writer keeps its file open across the server restart, so it
 * also shows whether the client reclaimed its open state.
 *
 * Usage: crashwriter -w FILE JOURNAL RECORDS [SYNC_EVERY]   write
 *        crashwriter -c FILE JOURNAL                        check
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REC 4096

static void fill(unsigned char *buf, long n)
{
	int i;

	for (i = 0; i < REC; i++)
		buf[i] = (unsigned char)((n * 31 + i * 7 + (n >> 8)) & 0xff);
	memcpy(buf, &n, sizeof(n));
}

static int do_write(const char *path, const char *journal, long records, long every)
{
	unsigned char buf[REC];
	char line[64];
	long n;
	int fd, jfd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	jfd = open(journal, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (fd < 0 || jfd < 0) {
		perror("open");
		return 1;
	}
	for (n = 0; n < records; n++) {
		fill(buf, n);
		if (pwrite(fd, buf, REC, (off_t)n * REC) != REC) {
			fprintf(stderr, "crashwriter: write of record %ld: %s\n", n, strerror(errno));
			return 1;
		}
		if ((n + 1) % every == 0 || n + 1 == records) {
			if (fsync(fd) < 0) {
				fprintf(stderr, "crashwriter: fsync after record %ld: %s\n", n,
					strerror(errno));
				return 1;
			}
			snprintf(line, sizeof(line), "%ld\n", n);
			if (write(jfd, line, strlen(line)) < 0 || fsync(jfd) < 0)
				return 1;
		}
	}
	if (close(fd) < 0) {
		fprintf(stderr, "crashwriter: close: %s\n", strerror(errno));
		return 1;
	}
	close(jfd);
	printf("crashwriter: wrote %ld records\n", records);
	return 0;
}

static int do_check(const char *path, const char *journal)
{
	unsigned char want[REC], got[REC];
	long last = -1, v, n, bad = 0;
	FILE *j = fopen(journal, "r");
	int fd;

	if (!j) {
		perror(journal);
		return 1;
	}
	while (fscanf(j, "%ld", &v) == 1)
		last = v;
	fclose(j);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	for (n = 0; n <= last; n++) {
		fill(want, n);
		if (pread(fd, got, REC, (off_t)n * REC) != REC || memcmp(want, got, REC)) {
			if (bad++ < 5)
				fprintf(stderr, "crashwriter: durable record %ld is damaged\n", n);
		}
	}
	close(fd);
	printf("crashwriter: %ld durable records checked, %ld damaged\n", last + 1, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "-w"))
		return do_write(argv[2], argv[3], atol(argv[4]), argc > 5 ? atol(argv[5]) : 16);
	if (argc == 4 && !strcmp(argv[1], "-c"))
		return do_check(argv[2], argv[3]);
	fprintf(stderr, "usage: crashwriter -w FILE JOURNAL RECORDS [SYNC_EVERY] | -c FILE JOURNAL\n");
	return 2;
}
