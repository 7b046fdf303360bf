/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Packet-id replay window of the data channel.
 *
 * Pure logic with no locking and no kernel dependencies beyond fixed-width
 * integer types, so that "make check" can run it in userspace as well.
 * The caller serialises access (a spinlock per key slot in the module).
 */
#ifndef OVPN_REPLAY_H
#define OVPN_REPLAY_H

/* how far behind the highest id seen a packet may still be accepted */
#define OVPN_REPLAY_WINDOW	2048U
#define OVPN_REPLAY_WORDS	(OVPN_REPLAY_WINDOW / 64U)

struct ovpn_replay {
	u32 highest;				/* 0: nothing seen yet */
	u64 seen[OVPN_REPLAY_WORDS];		/* bit (id % window) */
};

enum ovpn_replay_verdict {
	OVPN_REPLAY_OK = 0,
	OVPN_REPLAY_ZERO,	/* id 0 is never sent */
	OVPN_REPLAY_OLD,	/* behind the window */
	OVPN_REPLAY_DUP,	/* already seen */
};

static inline void ovpn_replay_init(struct ovpn_replay *r)
{
	u32 i;

	r->highest = 0;
	for (i = 0; i < OVPN_REPLAY_WORDS; i++)
		r->seen[i] = 0;
}

static inline int ovpn_replay_bit_test(const struct ovpn_replay *r, u32 id)
{
	u32 b = id % OVPN_REPLAY_WINDOW;

	return (r->seen[b / 64U] >> (b % 64U)) & 1U;
}

static inline void ovpn_replay_bit_set(struct ovpn_replay *r, u32 id)
{
	u32 b = id % OVPN_REPLAY_WINDOW;

	r->seen[b / 64U] |= (u64)1 << (b % 64U);
}

static inline void ovpn_replay_bit_clear(struct ovpn_replay *r, u32 id)
{
	u32 b = id % OVPN_REPLAY_WINDOW;

	r->seen[b / 64U] &= ~((u64)1 << (b % 64U));
}

/*
 * Check @id against the window and, if acceptable, record it.
 * Must only be called for packets that passed authentication, so that a
 * forged id cannot advance the window.
 */
static inline enum ovpn_replay_verdict ovpn_replay_check(struct ovpn_replay *r,
							  u32 id)
{
	u32 i, gap;

	if (id == 0)
		return OVPN_REPLAY_ZERO;

	if (id > r->highest) {
		gap = id - r->highest;
		if (gap >= OVPN_REPLAY_WINDOW) {
			for (i = 0; i < OVPN_REPLAY_WORDS; i++)
				r->seen[i] = 0;
		} else {
			/* forget the ids that fall out of the window */
			for (i = r->highest + 1; i != id; i++)
				ovpn_replay_bit_clear(r, i);
		}
		r->highest = id;
		ovpn_replay_bit_set(r, id);
		return OVPN_REPLAY_OK;
	}

	if (r->highest - id >= OVPN_REPLAY_WINDOW)
		return OVPN_REPLAY_OLD;
	if (ovpn_replay_bit_test(r, id))
		return OVPN_REPLAY_DUP;
	ovpn_replay_bit_set(r, id);
	return OVPN_REPLAY_OK;
}

#endif /* OVPN_REPLAY_H */
