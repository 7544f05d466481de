/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_rpc_rec.c - libFuzzer target for record-marking reassembly.  The
 * first input byte picks the chunk sizes the stream is fed in and whether
 * payload goes through the zero-copy body path, so every split of the same
 * stream is explored; the rest is the byte stream.  Checks that no record
 * exceeds the limit and that errors are sticky.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_rec.h"

#define FUZZ_MAX_RECORD 4096u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpc_rec r;
	size_t pos = 0, chunk, len, i;
	unsigned mode;
	uint8_t *rec, *p;
	ssize_t n;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	chunk = (mode & 0x3f) + 1;
	rpc_rec_init(&r, FUZZ_MAX_RECORD);
	while (pos < size) {
		if ((mode & 0x40) && (n = rpc_rec_body_space(&r, 1, &p)) > 0) {
			len = (size_t)n;
			if (len > chunk)
				len = chunk;
			if (len > size - pos)
				len = size - pos;
			memcpy(p, data + pos, len);
			rpc_rec_body_commit(&r, len);
			pos += len;
		} else {
			len = size - pos;
			if (len > chunk)
				len = chunk;
			n = rpc_rec_feed(&r, data + pos, len);
			if (n < 0) {
				if (rpc_rec_feed(&r, data, size) != n)
					abort(); /* errors must be sticky */
				break;
			}
			pos += (size_t)n;
		}
		if (rpc_rec_ready(&r)) {
			rec = rpc_rec_take(&r, &len);
			if (!rec || len == 0 || len > FUZZ_MAX_RECORD)
				abort();
			for (i = 0; i < len; i++)
				mode += rec[i]; /* touch every byte (ASan) */
			free(rec);
			if (!rpc_rec_idle(&r))
				abort();
		}
	}
	rpc_rec_release(&r);
	return 0;
}
