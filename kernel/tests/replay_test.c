// SPDX-License-Identifier: GPL-2.0-only
/* Userspace test of the replay window (run by "make -C kernel check"). */
#include <stdint.h>
#include <stdio.h>

typedef uint32_t u32;
typedef uint64_t u64;

#include "../src/replay.h"

static int failures;

#define EXPECT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL line %d: %s\n", __LINE__, #cond); \
		failures++; \
	} \
} while (0)

int main(void)
{
	struct ovpn_replay r;
	u32 i;

	ovpn_replay_init(&r);
	EXPECT(ovpn_replay_check(&r, 0) == OVPN_REPLAY_ZERO);
	EXPECT(ovpn_replay_check(&r, 1) == OVPN_REPLAY_OK);
	EXPECT(ovpn_replay_check(&r, 1) == OVPN_REPLAY_DUP);
	EXPECT(ovpn_replay_check(&r, 3) == OVPN_REPLAY_OK);
	EXPECT(ovpn_replay_check(&r, 2) == OVPN_REPLAY_OK);	/* reordered */
	EXPECT(ovpn_replay_check(&r, 2) == OVPN_REPLAY_DUP);

	/* in order for a long run */
	for (i = 4; i < 100000; i++)
		EXPECT(ovpn_replay_check(&r, i) == OVPN_REPLAY_OK);
	EXPECT(ovpn_replay_check(&r, 99999) == OVPN_REPLAY_DUP);
	/* edge of the window: highest 99999, oldest acceptable 97952 */
	EXPECT(ovpn_replay_check(&r, 99999 - 2047) == OVPN_REPLAY_DUP);
	EXPECT(ovpn_replay_check(&r, 99999 - 2048) == OVPN_REPLAY_OLD);

	/* a jump leaves a hole that may be filled once, not twice */
	EXPECT(ovpn_replay_check(&r, 101000) == OVPN_REPLAY_OK);
	EXPECT(ovpn_replay_check(&r, 100500) == OVPN_REPLAY_OK);
	EXPECT(ovpn_replay_check(&r, 100500) == OVPN_REPLAY_DUP);
	/* bits of ids that left the window must not mark new ids as seen */
	EXPECT(ovpn_replay_check(&r, 100000 + 2048) == OVPN_REPLAY_OK);
	/* a jump beyond the window resets everything */
	EXPECT(ovpn_replay_check(&r, 200000) == OVPN_REPLAY_OK);
	EXPECT(ovpn_replay_check(&r, 200000 - 1) == OVPN_REPLAY_OK);
	EXPECT(ovpn_replay_check(&r, 200000 - 3000) == OVPN_REPLAY_OLD);
	/* top of the id space */
	EXPECT(ovpn_replay_check(&r, 0xffffffffU) == OVPN_REPLAY_OK);
	EXPECT(ovpn_replay_check(&r, 0xffffffffU) == OVPN_REPLAY_DUP);
	EXPECT(ovpn_replay_check(&r, 0xfffffff0U) == OVPN_REPLAY_OK);

	if (failures) {
		fprintf(stderr, "replay_test: %d failures\n", failures);
		return 1;
	}
	printf("replay_test: all checks passed\n");
	return 0;
}
