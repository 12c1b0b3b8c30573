/*
 * cascade_lanes.h — the block evaluator of cascade.c, written once for
 * any vector width: cascade.c includes it once per width, with
 *   LANES        the windows of a block (4 or 8),
 *   LANE_TARGET  the function attribute of that width (empty, or the
 *                target("avx2") of the 8-lane copy),
 *   VSF VSI VSU  float, int32 and uint32 vectors of LANES lanes,
 *   VHDF         a double vector of LANES / 2 lanes,
 *   EVEN(a, b)   the even lanes of a and b (a step-2 load),
 *   LO(v) HI(v)  the low and high halves of a float vector,
 * (undefined again at the end), and defines runLANES(s, win, step, r):
 * LANES windows at once, win, win + step, ... of one row (step 1 or 2),
 * each lane with exactly run_at()'s operations (GCC vector extensions:
 * the same float multiplies, adds and compares in the same order; no FMA,
 * as GCC does not contract in ISO C11 mode and neither copy's target has
 * it), so r[k] is what run_at gives the k-th window. The corners of
 * the windows are one (step 1) or two (step 2) vector loads apart
 * instead of LANES scalar loads. Every node of a tree is evaluated for
 * all lanes and each lane's leaf is selected bit for bit from the
 * comparisons; the stage sums are doubles, half the lanes a vector; a
 * stage goes on while any lane is alive. The caller keeps the last
 * window plus one sample inside the row (step 2 loads 2 * LANES values).
 */
#define LANE_CAT(a, b)	a##b
#define LANE_FN(name, n)	LANE_CAT(name, n)

static inline __attribute__((always_inline)) LANE_TARGET VSU
LANE_FN(ld, LANES)(const uint32_t *p, int step)
{
	VSU a, b;

	memcpy(&a, p, sizeof(a));
	if (step == 1)
		return a;
	memcpy(&b, p + LANES, sizeof(b));
	return EVEN(a, b);
}

static inline __attribute__((always_inline)) LANE_TARGET VSF
LANE_FN(rsum, LANES)(const uint32_t *p, const int *o, int step)
{
	VSU v = LANE_FN(ld, LANES)(p + o[0], step) -
	    LANE_FN(ld, LANES)(p + o[1], step) -
	    LANE_FN(ld, LANES)(p + o[2], step) +
	    LANE_FN(ld, LANES)(p + o[3], step);

	return __builtin_convertvector((VSI)v, VSF);
}

static inline __attribute__((always_inline)) LANE_TARGET void
LANE_FN(run_step, LANES)(const struct scan *s, size_t win, int step, int *r)
{
	const pcascade *c = s->c;
	float nk[LANES] = { 0 };
	VSF norm;
	int alive = 0, k, si, wi, j;

	for (k = 0; k < LANES; k++) {
		size_t wk = win + (size_t)(k * step);
		int32_t vs = rsum(s->sum + wk, s->nofs);
		uint32_t vq = (uint32_t)rsum(s->sq + wk, s->nofs);
		double nf = s->area * vq - (double)vs * vs;

		r[k] = -1;
		if (!(nf > 0.))
			continue;
		nk[k] = (float)(1. / sqrt(nf));
		if (!(s->area * nk[k] < 1e-1))
			continue;
		alive |= 1 << k;
	}
	memcpy(&norm, nk, sizeof(norm));
	for (si = 0; alive && si < c->nstages; si++) {
		const struct stage *st = &c->stages[si];
		VHDF lo = { 0 }, hi = { 0 };
		double acc[LANES];

		for (wi = 0; wi < st->nweak; wi++) {
			const struct weak *w = &c->weaks[st->first_weak + wi];
			const struct optnode *on = &s->on[w->first_node];
			const float *lf = &c->leaves[w->first_leaf];
			VSF val[RUN_MAX_NODES];

			/* children come after their parent: from the last
			 * node up, each lane's leaf value is selected */
			for (j = w->nnodes - 1; j >= 0; j--) {
				const struct optnode *o = &on[j];
				const uint32_t *p = o->base + win;
				VSF v = o->weight[0] *
				    LANE_FN(rsum, LANES)(p, o->ofs[0], step) +
				    o->weight[1] *
				    LANE_FN(rsum, LANES)(p, o->ofs[1], step);
				VSF l, rt, zero = { 0 };
				VSI m;

				if (o->weight[2] != 0.0f)
					v += o->weight[2] * LANE_FN(rsum,
					    LANES)(p, o->ofs[2], step);
				v *= norm;
				m = v < o->threshold;
				l = o->left > 0 ? val[o->left] :
				    zero + lf[-o->left];
				rt = o->right > 0 ? val[o->right] :
				    zero + lf[-o->right];
				val[j] = (VSF)(((VSI)l & m) | ((VSI)rt & ~m));
			}
			lo += __builtin_convertvector(LO(val[0]), VHDF);
			hi += __builtin_convertvector(HI(val[0]), VHDF);
		}
		memcpy(acc, &lo, sizeof(lo));
		memcpy(acc + LANES / 2, &hi, sizeof(hi));
		for (k = 0; k < LANES; k++)
			if (alive >> k & 1 && acc[k] < st->threshold) {
				r[k] = -si;
				alive &= ~(1 << k);
			}
	}
	for (k = 0; k < LANES; k++)
		if (alive >> k & 1)
			r[k] = 1;
}

/* The step as a constant in each copy, so that the loads are unrolled. */
static LANE_TARGET void
LANE_FN(run, LANES)(const struct scan *s, size_t win, int step, int *r)
{
	if (step == 1)
		LANE_FN(run_step, LANES)(s, win, 1, r);
	else
		LANE_FN(run_step, LANES)(s, win, 2, r);
}

#undef LANE_CAT
#undef LANE_FN
#undef LANES
#undef LANE_TARGET
#undef VSF
#undef VSI
#undef VSU
#undef VHDF
#undef EVEN
#undef LO
#undef HI
