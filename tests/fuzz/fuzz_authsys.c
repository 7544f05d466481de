/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_authsys.c - libFuzzer target for the AUTH_SYS credential body
 * decoder alone (rpc_msg_parse_authsys(), RFC 5531 appendix A), so inputs
 * need not first get through a whole call header as in fuzz_rpc_msg.  The
 * input is the opaque body of the credential.  Checks: a decoded
 * credential keeps its bounds (at most 16 groups, a NUL-terminated machine
 * name), and it is exactly what the bytes say: re-encoding it gives the
 * input back byte for byte (the decoder accepts no trailing bytes), unless
 * the machine name holds a NUL, which the C string cannot keep.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
	return 4;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[4 + 4 + 256 + 4 + 4 + 4 + 4 * RPC_AUTH_SYS_MAX_GIDS];
	struct rpc_cred cred;
	size_t n = 0, mlen, pad;
	uint32_t stamp, i;

	memset(&cred, 0xa5, sizeof(cred));
	if (!rpc_msg_parse_authsys(data, size, &cred))
		return 0;
	if (cred.flavor != RPC_AUTH_SYS || cred.ngids > RPC_AUTH_SYS_MAX_GIDS)
		abort();
	mlen = strnlen(cred.machine, sizeof(cred.machine));
	if (mlen >= sizeof(cred.machine))
		abort();
	/* the machine name's length as sent, to see whether it had a NUL */
	if (size < 8)
		abort();
	memcpy(&stamp, data, 4);
	{
		uint32_t wire_len;

		memcpy(&wire_len, data + 4, 4);
		if (ntohl(wire_len) != mlen)
			return 0; /* an embedded NUL: the C string is shorter */
	}
	n += put32(out + n, ntohl(stamp));
	n += put32(out + n, (uint32_t)mlen);
	memcpy(out + n, cred.machine, mlen);
	n += mlen;
	pad = (4 - (mlen & 3)) & 3;
	memset(out + n, 0, pad);
	n += pad;
	n += put32(out + n, cred.uid);
	n += put32(out + n, cred.gid);
	n += put32(out + n, cred.ngids);
	for (i = 0; i < cred.ngids; i++)
		n += put32(out + n, cred.gids[i]);
	/* XDR padding bytes need not be zero on the wire: compare them apart */
	if (n != size || memcmp(out, data, 8) || memcmp(out + 8, data + 8, mlen) ||
	    memcmp(out + 8 + mlen + pad, data + 8 + mlen + pad, n - 8 - mlen - pad))
		abort();
	return 0;
}
