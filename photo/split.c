/*
 * split.c — a frame without restart markers entropy-decoded on two
 * processors.
 *
 * Most DSLRs write no restart markers, so a JPEG's entropy-coded data is
 * one bit stream, and on a large fine JPEG its Huffman decoding is most
 * of the cost of any decode, at any DCT scale. The stream can still be
 * cut: Huffman codes resynchronise by themselves. A second thread starts
 * decoding at a byte in the middle of the data as if an MCU began there,
 * and notes where each MCU it decodes begins. Its first MCUs are
 * garbage, but after a few codes its decoding falls into step with the
 * true one. The first thread decodes from the start; each time it begins
 * an MCU past the cut it looks the bit position up among the second
 * thread's: when both began an MCU at the same bit, the two decoders are
 * in the same state from there on (the parse of a baseline scan depends
 * on the bit position and the block within the MCU, nothing else), so
 * everything the second thread decoded after that point is the file's
 * own, MCU m onwards. Only the DC predictions differ (DC is coded as a
 * difference from the previous block's), and the first thread knows the
 * true ones at MCU m.
 *
 * So the second thread stores what it decodes (the DC differences and
 * the AC coefficients the scaled IDCT reads: at 3/8 a 3x3 corner of 64).
 * From the meeting on, the first thread feeds the store, with the true
 * predictions, to its libjpeg instead of decoding; when the second has
 * stored the last MCU, the rows neither has reached are halved, and the
 * second thread runs a libjpeg of its own over the bottom half from the
 * store. Both go through libjpeg-turbo's own IDCT, upsampling and colour
 * conversion: libjpeg's Huffman decoder is the one stage replaced (its
 * decode_mcu method, jpegint.h), so the rows are the same bytes as one
 * libjpeg decode gives, and tests/test_decode_split.c holds them to that.
 * The bottom part's headers and its context row for vertically
 * subsampled chroma are those of decode.c's restart-marker cut.
 *
 * The Huffman decoder here is deliberately strict: a code that is not in
 * the table, a code or value that runs past the data, a marker inside
 * the data, a count of MCUs that does not match the frame, anything but
 * EOI after the data: any of them ends the split, and the caller decodes
 * the file with libjpeg alone, which then names the damage. The result is
 * libjpeg's either way. When the two decoders never meet (not seen on
 * any test or bench frame), the first thread decodes the whole frame.
 *
 * Threads: the caller's thread is the first; the second is started and
 * joined by photo_decode_split(). They share struct split: the second
 * publishes its notes and store through `published` and `stored`
 * (release/acquire), the first its verdict under mu, and each writes
 * only its own rows of the output.
 */
#include <sys/mman.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "photo/internal.h"

#include <jpegint.h>	/* libjpeg's decode_mcu method, after jpeglib.h */

#define LOOK		10	/* bits of a code looked up at once */
#define SYNC_MAX	4096	/* MCUs past the cut the meeting is looked for */
#define CUT_AT		0.48	/* the cut, as a share of the data */
#define MAX_BLK		10	/* blocks in an MCU (D_MAX_BLOCKS_IN_MCU) */

/* zigzag order -> natural order, with libjpeg's guard entries: a corrupt
 * run past 63 lands on 63, as in jpeg_natural_order[] */
static const unsigned char natural[64 + 16] = {
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
	63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63
};

/* One Huffman table: codes of up to LOOK bits in one lookup, longer ones
 * by length (JPEG's canonical codes, Annex C / F.2.2.3). */
struct htab {
	uint16_t fast[1 << LOOK];	/* length << 8 | symbol; 0: longer */
	int32_t	fastac[1 << LOOK];	/* an AC code and its value within
					 * LOOK bits: value << 16 | run << 4 |
					 * bits; 0: not */
	int32_t	maxcode[17];		/* largest code of each length, -1 */
	int32_t	valptr[17];		/* index of a length's first symbol,
					 * less its first code */
	uint8_t	val[256];
};

/* The bit reader: buf holds nbits bits, left-aligned. */
struct br {
	const unsigned char *p, *end;
	uint64_t buf;
	int	nbits;
	long	stuffed;	/* 0xFF 0x00 pairs read */
};

/*
 * What both threads share: the frame's layout and tables, the second
 * thread's notes and store, and where the two stand. The store is one
 * reservation of the largest size the coefficients can take, so that it
 * never moves while the first thread reads it (only the pages written
 * are memory).
 */
struct split {
	const unsigned char *jpeg;
	size_t	len;
	struct jlayout l;
	int	num;
	pimg	*out, *grey;		/* grey: NULL when not wanted */
	unsigned mcux, mcuy, rpm, outh, ctx_rows;
	long	total;			/* MCUs in the frame */
	struct htab *tabs;		/* one per table used */
	int	nblk;			/* blocks in an MCU */
	int	comp[MAX_BLK];		/* index in the scan of each block */
	const struct htab *dct[MAX_BLK], *act[MAX_BLK];
	unsigned char mask[MAX_BLK][64];	/* coefficients the IDCT reads */

	/* the second thread, from byte cut on */
	size_t	cut;
	long	stuffed_before;		/* 0xFF 0x00 pairs in [data, cut) */
	int64_t	*pos;			/* bit position of its MCU k < SYNC_MAX */
	size_t	*off;			/* ... and where its coefficients start */
	atomic_long published;		/* how many of pos[] are written */
	atomic_long stored;		/* its MCUs in the store */
	atomic_int t2_done;		/* 1 decoded to the end, -1 failed */
	int	t2_tail;		/* tail_ok() where it stopped */
	long	restarted;		/* its last fresh start (MCU k) */
	unsigned char *store;
	size_t	slen, scap;

	/* the first thread's verdict, then where it stands (mu) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int verdict;		/* 0 pending, 1 met, -1 decode alone */
	long	meet_mcu, meet_k;	/* its MCU meet_mcu is the other's k */
	uint32_t pred[4];		/* true DC predictions at meet_mcu */
	unsigned t1_row;		/* the MCU row the first thread is in */
	unsigned stop_row;		/* the second's part starts here (0: not
					 * yet; mcuy: the first does all) */
	int	t2_ok;
};

/* ---- Huffman tables and the bit reader --------------------------------- */

/* Builds *t from libjpeg's table; -1 when the code lengths overflow. */
static int
htab_build(struct htab *t, const JHUFF_TBL *h)
{
	int len, i, k = 0, n, code = 0;

	memset(t, 0, sizeof(*t));
	for (len = 1; len <= 16; len++) {
		n = h->bits[len];
		t->maxcode[len] = -1;
		if (n == 0) {
			code <<= 1;
			continue;
		}
		if (k + n > 256 || code + n > (1 << len))
			return -1;
		t->valptr[len] = k - code;
		for (i = 0; i < n; i++, k++, code++) {
			t->val[k] = h->huffval[k];
			if (len <= LOOK) {
				int lo = code << (LOOK - len), j;

				for (j = 0; j < 1 << (LOOK - len); j++)
					t->fast[lo + j] = (uint16_t)(len << 8 |
					    h->huffval[k]);
			}
		}
		t->maxcode[len] = code - 1;
		code <<= 1;
	}
	/* AC coefficients whose code and value bits fit in LOOK bits */
	for (i = 0; i < 1 << LOOK; i++) {
		unsigned e = t->fast[i];
		int l = (int)(e >> 8), rs = (int)(e & 0xFF), sz = rs & 15, v;

		if (e == 0 || sz == 0 || l + sz > LOOK)
			continue;
		v = (i >> (LOOK - l - sz)) & ((1 << sz) - 1);
		if (v < 1 << (sz - 1))
			v -= (1 << sz) - 1;
		t->fastac[i] = (int32_t)((uint32_t)v << 16 | (uint32_t)(rs >> 4)
		    << 4 | (uint32_t)(l + sz));
	}
	return 0;
}

static inline uint64_t
load_be64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

/* Tops the buffer up to 57 bits or more; at a marker or the end of the
 * data it stops, and the bits after it read as zeros, never counted. */
static inline void
br_fill(struct br *b)
{
	while (b->nbits <= 56) {
		unsigned c;

		if (b->end - b->p >= 8) {
			uint64_t v = load_be64(b->p), x = ~v;
			int n = (64 - b->nbits) >> 3;
			/* a zero byte of x (0xFF in v) among the first n:
			 * the test may also flag a byte before one, which
			 * only sends it to the byte-wise path */
			uint64_t z = (x - 0x0101010101010101ULL) & ~x &
			    0x8080808080808080ULL;

			if ((z >> (64 - 8 * n)) == 0) {
				b->buf |= (v >> (64 - 8 * n)) << (64 - 8 * n -
				    b->nbits);
				b->p += n;
				b->nbits += 8 * n;
				return;
			}
		}
		if (b->p >= b->end)
			return;
		c = *b->p;
		if (c == 0xFF) {
			if (b->end - b->p < 2 || b->p[1] != 0x00)
				return;		/* a marker */
			b->p += 2;
			b->stuffed++;
		} else
			b->p++;
		b->buf |= (uint64_t)c << (56 - b->nbits);
		b->nbits += 8;
	}
}

/* The next symbol of table t; -1 for a code not in it or past the data.
 * The caller has filled the buffer. */
static inline int
br_sym(struct br *b, const struct htab *t)
{
	unsigned e = t->fast[b->buf >> (64 - LOOK)];
	int len, sym;

	if (e != 0) {
		len = (int)(e >> 8);
		sym = (int)(e & 0xFF);
	} else {
		int32_t code = 0;

		for (len = LOOK + 1; len <= 16; len++) {
			code = (int32_t)(b->buf >> (64 - len));
			if (code <= t->maxcode[len])
				break;
		}
		if (len > 16)
			return -1;
		sym = t->val[(t->valptr[len] + code) & 0xFF];
	}
	if (len > b->nbits)
		return -1;
	b->buf <<= len;
	b->nbits -= len;
	return sym;
}

/* s (1..15) more bits as a signed value (HUFF_EXTEND); *bad when they run
 * past the data. */
static inline int
br_value(struct br *b, int s, int *bad)
{
	int v;

	if (s > b->nbits) {
		*bad = 1;
		return 0;
	}
	v = (int)(b->buf >> (64 - s));
	b->buf <<= s;
	b->nbits -= s;
	return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}

/*
 * One block: the DC difference in *dc; the AC coefficients into blk
 * (natural order, as libjpeg's decode_mcu writes them) or, with blk NULL,
 * those of mask into out as position and value (3 bytes each). Returns
 * how many went to out, or -1 for bad data. Inlined into its two callers,
 * each gets its own loop.
 */
static inline __attribute__((always_inline)) int
block(struct br *rd, const struct htab *dct, const struct htab *act, int *dc,
    JCOEF *blk, const unsigned char *mask, unsigned char *out)
{
	/* a local copy, so that the stores to blk[] and out[] cannot alias
	 * the reader and it stays in registers */
	struct br lb = *rd, *b = &lb;
	int s, k, r, v, n = 0, bad = 0;

#define EMIT(kk, vv) do {						\
	int p_ = natural[kk];						\
									\
	if (blk != NULL)						\
		blk[p_] = (JCOEF)(vv);					\
	else if (mask[p_]) {						\
		out[3 * n] = (unsigned char)p_;				\
		out[3 * n + 1] = (unsigned char)(vv);			\
		out[3 * n + 2] = (unsigned char)((unsigned)(vv) >> 8);	\
		n++;							\
	}								\
} while (0)
	if (b->nbits < 32)
		br_fill(b);
	if ((s = br_sym(b, dct)) < 0)
		goto fail;
	*dc = s ? br_value(b, s & 15, &bad) : 0;
	for (k = 1; k < 64; k++) {
		int32_t fe;

		if (b->nbits < 32)
			br_fill(b);
		if ((fe = act->fastac[b->buf >> (64 - LOOK)]) != 0) {
			int l = fe & 15;

			if (l > b->nbits)
				goto fail;
			b->buf <<= l;
			b->nbits -= l;
			k += (fe >> 4) & 15;
			EMIT(k, fe >> 16);
			continue;
		}
		if ((s = br_sym(b, act)) < 0)
			goto fail;
		r = s >> 4;
		s &= 15;
		if (s) {
			k += r;
			v = br_value(b, s, &bad);
			EMIT(k, v);
		} else {
			if (r != 15)
				break;
			k += 15;
		}
	}
#undef EMIT
	if (bad)
fail:
		n = -1;
	*rd = lb;
	return n;
}

/*
 * After the frame's last MCU: what is left must be the padding bits of the
 * last byte, then EOI (after any 0xFF fill bytes). libjpeg would warn of
 * extraneous data, or refuse a second scan; the split leaves both to it.
 */
static int
tail_ok(struct br b)
{
	const unsigned char *p;

	br_fill(&b);
	if (b.nbits >= 8 || b.p >= b.end || *b.p != 0xFF)
		return 0;
	for (p = b.p; p < b.end && *p == 0xFF; p++)
		;
	return p < b.end && *p == JPEG_EOI;
}

/* ---- reading the store ------------------------------------------------ */

/* A stored MCU: per block its DC difference (2 bytes), how many AC follow
 * (1), then each as its natural position (1) and value (2). */
struct replay {
	const struct split *sp;
	size_t	at;
	uint32_t pred[4];
};

/* Reads one stored MCU into data (NULL: only its DC predictions). */
static void
replay(struct replay *s, JBLOCKROW *data)
{
	const struct split *sp = s->sp;
	const unsigned char *q = sp->store + s->at;
	int i, n;

	for (i = 0; i < sp->nblk; i++) {
		JCOEF *blk = data ? data[i][0] : NULL;
		int c = sp->comp[i];
		int16_t dc = (int16_t)(uint16_t)(q[0] | q[1] << 8);

		n = q[2];
		q += 3;
		s->pred[c] += (uint32_t)(int32_t)dc;
		if (blk != NULL) {
			blk[0] = (JCOEF)(int16_t)(uint16_t)s->pred[c];
			for (; n > 0; n--, q += 3)
				blk[q[0]] = (JCOEF)(int16_t)(uint16_t)(q[1] |
				    q[2] << 8);
		} else
			q += 3 * n;
	}
	s->at = (size_t)(q - sp->store);
}

/* ---- the first thread: libjpeg with this decoder ----------------------- */

struct first {
	struct split *sp;
	struct br b;
	uint32_t pred[4];
	long	mcu;		/* MCUs given to libjpeg */
	long	k;		/* where its look-up in pos[] stands */
	unsigned target;	/* output rows to read */
	int	replaying;	/* past the meeting: from the store */
	struct replay rs;
	int	failed;
};

/* The first thread's bit position, counted from the cut. */
static int64_t
first_pos(const struct first *f)
{
	const struct split *sp = f->sp;

	return 8 * ((int64_t)(f->b.p - (sp->jpeg + sp->cut)) -
	    (f->b.stuffed - sp->stuffed_before)) - f->b.nbits;
}

static void
verdict(struct split *sp, int v)
{
	pthread_mutex_lock(&sp->mu);
	if (atomic_load(&sp->verdict) == 0)
		atomic_store(&sp->verdict, v);
	pthread_cond_signal(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
}

/*
 * At the start of each MCU past the cut: has the second thread begun an
 * MCU at this bit? When it has, the first thread reads the store from
 * here on. When the second thread has not got this far yet (it started
 * late), the first waits for it rather than run on alone.
 */
static void
look_up(struct first *f)
{
	struct split *sp = f->sp;
	long n;
	int done;
	int64_t at;

	for (;;) {
		n = atomic_load_explicit(&sp->published, memory_order_acquire);
		done = atomic_load_explicit(&sp->t2_done, memory_order_acquire);
		if (done == -1 || (n == 0 && done)) {
			verdict(sp, -1);
			return;
		}
		if (n > 0) {
			at = first_pos(f);
			while (f->k < n && sp->pos[f->k] < at)
				f->k++;
			if (f->k < n)
				break;
			if (n == SYNC_MAX || done) {
				verdict(sp, -1);	/* never met */
				return;
			}
		}
		sched_yield();
	}
	if (sp->pos[f->k] != at)
		return;		/* not at this MCU: perhaps the next */
	pthread_mutex_lock(&sp->mu);
	sp->meet_mcu = f->mcu;
	sp->meet_k = f->k;
	memcpy(sp->pred, f->pred, sizeof(sp->pred));
	sp->t1_row = (unsigned)(f->mcu / sp->mcux);
	atomic_store(&sp->verdict, 1);
	pthread_cond_signal(&sp->cv);
	pthread_mutex_unlock(&sp->mu);
	f->replaying = 1;
	f->rs.sp = sp;
	f->rs.at = sp->off[f->k];
	memcpy(f->rs.pred, f->pred, sizeof(f->pred));
}

/* The next stored MCU, once the second thread has stored it; 0 when it
 * failed. At each MCU row, the first thread says where it is, and learns
 * where its part ends. */
static int
first_replay(struct first *f, JBLOCKROW *data)
{
	struct split *sp = f->sp;
	long k = sp->meet_k + (f->mcu - sp->meet_mcu);

	while (atomic_load_explicit(&sp->stored, memory_order_acquire) <= k) {
		/* done is set after the last MCU is stored: look again */
		if (atomic_load_explicit(&sp->t2_done, memory_order_acquire)
		    != 0 && atomic_load_explicit(&sp->stored,
		    memory_order_acquire) <= k)
			return 0;
		sched_yield();
	}
	if (f->mcu % sp->mcux == 0) {
		pthread_mutex_lock(&sp->mu);
		sp->t1_row = (unsigned)(f->mcu / sp->mcux);
		if (sp->stop_row != 0 && sp->stop_row < sp->mcuy)
			f->target = (sp->stop_row + sp->ctx_rows) * sp->rpm;
		pthread_mutex_unlock(&sp->mu);
	}
	replay(&f->rs, data);
	return 1;
}

static boolean
first_mcu(j_decompress_ptr ci, JBLOCKROW *data)
{
	struct first *f = ci->client_data;
	struct split *sp = f->sp;
	JBLOCK scratch;
	int i, dc;

	if (f->failed)
		return TRUE;
	if (!f->replaying && atomic_load_explicit(&sp->verdict,
	    memory_order_relaxed) == 0 && f->b.p >= sp->jpeg + sp->cut)
		look_up(f);
	if (f->replaying) {
		if (!first_replay(f, data))
			f->failed = 1;
		f->mcu++;
		return TRUE;
	}
	for (i = 0; i < sp->nblk; i++) {
		JCOEF *blk = data ? data[i][0] : scratch;
		int c = sp->comp[i];

		/* in order: a corrupt run past 63 overwrites 63, as libjpeg */
		if (block(&f->b, sp->dct[i], sp->act[i], &dc, blk, NULL, NULL)
		    < 0) {
			f->failed = 1;
			return TRUE;
		}
		f->pred[c] += (uint32_t)dc;
		blk[0] = (JCOEF)(int16_t)(uint16_t)f->pred[c];
	}
	f->mcu++;
	return TRUE;
}

/* ---- the second thread ------------------------------------------------- */

/*
 * Decodes from the cut to the end of the data, noting where each of its
 * first SYNC_MAX MCUs begins and storing the coefficients the IDCT reads.
 * Bad data while it is still looking for its footing only means it was
 * not in step yet: it starts again at the next unread byte. It stops at
 * the first MCU the data does not hold (at its end, a marker), and early
 * when the first thread has decided to decode alone.
 */
static int
speculate(struct split *sp)
{
	struct br b, last;
	long k = 0;
	const unsigned char *p, *end = sp->jpeg + sp->len;
	int i, n, dc;

	/* the first thread counts its bits from the cut too */
	for (p = sp->jpeg + sp->l.data; (p = memchr(p, 0xFF,
	    (size_t)(sp->jpeg + sp->cut - p))) != NULL && p[1] == 0x00;
	    p += 2)
		sp->stuffed_before++;
	memset(&b, 0, sizeof(b));
	b.p = sp->jpeg + sp->cut;
	b.end = end;
	last = b;
	for (;; k++) {
		size_t at = sp->slen;

		if ((k & 255) == 0 && atomic_load_explicit(&sp->verdict,
		    memory_order_relaxed) == -1)
			return -1;
		if (k >= sp->total)
			return -1;	/* more MCUs than the frame has */
		if (k < SYNC_MAX) {
			sp->pos[k] = 8 * ((int64_t)(b.p - (sp->jpeg + sp->cut)) -
			    b.stuffed) - b.nbits;
			sp->off[k] = at;
		}
		for (i = 0; i < sp->nblk; i++) {
			unsigned char *q = sp->store + sp->slen;

			if ((n = block(&b, sp->dct[i], sp->act[i], &dc, NULL,
			    sp->mask[i], q + 3)) < 0)
				break;
			q[0] = (unsigned char)dc;
			q[1] = (unsigned char)((unsigned)dc >> 8);
			q[2] = (unsigned char)n;
			sp->slen += 3 + 3 * (size_t)n;
		}
		if (i == sp->nblk) {
			last = b;
			if (k < SYNC_MAX)
				atomic_store_explicit(&sp->published, k + 1,
				    memory_order_release);
			atomic_store_explicit(&sp->stored, k + 1,
			    memory_order_release);
			continue;
		}
		sp->slen = at;
		/* stopped at a marker or the end: the data is all read */
		if (b.p >= end || (b.p[0] == 0xFF && (b.p + 1 >= end ||
		    b.p[1] != 0x00))) {
			sp->t2_tail = tail_ok(last);
			break;
		}
		if (k >= SYNC_MAX)
			return -1;	/* bad data well past the cut */
		/* not in step: afresh after the bytes it has read */
		b.buf = 0;
		b.nbits = 0;
		sp->restarted = k;
		k--;
	}
	return 0;
}

/* libjpeg on the bottom part, rows stop_row on, from the store. */
static boolean
second_mcu(j_decompress_ptr ci, JBLOCKROW *data)
{
	replay(ci->client_data, data);
	return TRUE;
}

static int
second_part(struct split *sp)
{
	struct jpeg_decompress_struct ci;
	struct pjerr e;
	struct replay s;
	unsigned char *volatile head = NULL;
	unsigned keep0 = (sp->stop_row + sp->ctx_rows) * sp->rpm;
	long k, skip;
	volatile int rc = -1;
	JSAMPLE *volatile row = NULL;

	s.sp = sp;
	s.at = sp->off[sp->meet_k];
	memcpy(s.pred, sp->pred, sizeof(s.pred));
	skip = (long)sp->stop_row * sp->mcux - sp->meet_mcu;
	for (k = 0; k < skip; k++)
		replay(&s, NULL);
	ci.err = photo_jpeg_err(&e);
	e.fatal_warnings = 1;
	jpeg_create_decompress(&ci);
	if (setjmp(e.jb) != 0)
		goto done;
	if ((head = photo_jpeg_part_head(sp->jpeg, &sp->l, sp->stop_row)) ==
	    NULL)
		goto done;
	jpeg_mem_src(&ci, head, (unsigned long)sp->l.data);
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_RGB;
	ci.scale_num = (unsigned)sp->num;
	ci.scale_denom = 8;
	jpeg_start_decompress(&ci);
	if ((int)ci.output_width != sp->out->w || ci.output_height + keep0 !=
	    sp->outh + sp->ctx_rows * sp->rpm)
		goto done;
	ci.client_data = &s;
	ci.entropy->decode_mcu = second_mcu;
	if (sp->ctx_rows > 0 && (row = malloc((size_t)ci.output_width * 3)) ==
	    NULL)
		goto done;
	while (ci.output_scanline < sp->ctx_rows * sp->rpm) {
		JSAMPROW r = row;

		jpeg_read_scanlines(&ci, &r, 1);
	}
	while (ci.output_scanline < ci.output_height) {
		unsigned y = keep0 + ci.output_scanline - sp->ctx_rows * sp->rpm;
		JSAMPROW dst = PIX(sp->out, 0, y);

		jpeg_read_scanlines(&ci, &dst, 1);
		if (sp->grey != NULL)
			pimg_grey_row(dst, PIX(sp->grey, 0, y), sp->out->w);
	}
	rc = 0;
done:
	free(row);
	free(head);
	jpeg_destroy_decompress(&ci);
	return rc;
}

/*
 * The second thread: the store; then, when the two met, the rows the
 * first thread has not reached, halved: it takes the bottom half.
 */
static void *
second_run(void *arg)
{
	struct split *sp = arg;
	int rc = speculate(sp);
	unsigned r;

	atomic_store_explicit(&sp->t2_done, rc == 0 ? 1 : -1,
	    memory_order_release);
	pthread_mutex_lock(&sp->mu);
	while (atomic_load(&sp->verdict) == 0)
		pthread_cond_wait(&sp->cv, &sp->mu);
	/* it decoded the frame's MCUs from meet_mcu on, no more, no less */
	if (rc == 0 && atomic_load(&sp->verdict) == 1 &&
	    (sp->meet_k < sp->restarted || atomic_load(&sp->stored) -
	    sp->meet_k != sp->total - sp->meet_mcu || !sp->t2_tail))
		rc = -1;
	r = sp->t1_row + 2;
	sp->stop_row = r + (sp->mcuy > r ? (sp->mcuy - r) / 2 : 0);
	if (sp->stop_row + sp->ctx_rows + 2 >= sp->mcuy)
		sp->stop_row = sp->mcuy;	/* too little left to share */
	pthread_mutex_unlock(&sp->mu);
	sp->t2_ok = rc == 0 && atomic_load(&sp->verdict) == 1 &&
	    (sp->stop_row == sp->mcuy || second_part(sp) == 0);
	return NULL;
}

/* ---- the two together -------------------------------------------------- */

/* Which coefficients the IDCT at `size`/8 reads (jidctint.c, jidctred.c
 * and their SIMD twins); how many. A subsampled chroma component may have
 * a larger IDCT than the scale (8 for 4:2:0 at 4/8, 10 at 5/8): all. */
static int
idct_mask(int size, unsigned char *mask)
{
	static const unsigned char red4[8] = { 1, 1, 1, 1, 0, 1, 1, 1 };
	static const unsigned char red2[8] = { 1, 1, 0, 1, 0, 1, 0, 1 };
	int u, v, n = 0;

	if (size < 1)
		return 0;
	for (v = 0; v < 8; v++)
		for (u = 0; u < 8; u++)
			n += mask[v * 8 + u] = size >= 8 ? 1 :
			    size == 4 ? red4[u] && red4[v] :
			    size == 2 ? red2[u] && red2[v] : u < size &&
			    v < size;
	return n;
}

/* The tables and the MCU's make-up, from libjpeg's started decompress;
 * the most bytes a stored MCU can take, or 0. */
static size_t
setup(struct split *sp, j_decompress_ptr ci)
{
	int i, c, tno[2 * NUM_HUFF_TBLS];
	const JHUFF_TBL *h;
	size_t most = 0;

	if (ci->blocks_in_MCU > MAX_BLK || ci->comps_in_scan > 4 ||
	    ci->progressive_mode || ci->arith_code || ci->restart_interval)
		return 0;
	if ((sp->tabs = calloc(2 * NUM_HUFF_TBLS, sizeof(*sp->tabs))) == NULL)
		return 0;
	for (i = 0; i < 2 * NUM_HUFF_TBLS; i++)
		tno[i] = 0;
	sp->nblk = ci->blocks_in_MCU;
	for (i = 0; i < ci->blocks_in_MCU; i++) {
		jpeg_component_info *cp;
		int d, a, size, n;

		c = ci->MCU_membership[i];
		cp = ci->cur_comp_info[c];
		d = cp->dc_tbl_no;
		a = cp->ac_tbl_no;
#if JPEG_LIB_VERSION >= 70
		size = cp->DCT_h_scaled_size;
		if (cp->DCT_v_scaled_size != size)
			return 0;
#else
		size = cp->DCT_scaled_size;
#endif
		if (d < 0 || d >= NUM_HUFF_TBLS || a < 0 || a >= NUM_HUFF_TBLS ||
		    (n = idct_mask(size, sp->mask[i])) == 0)
			return 0;
		if (!tno[d]) {
			if ((h = ci->dc_huff_tbl_ptrs[d]) == NULL ||
			    htab_build(&sp->tabs[d], h) == -1)
				return 0;
			tno[d] = 1;
		}
		if (!tno[NUM_HUFF_TBLS + a]) {
			if ((h = ci->ac_huff_tbl_ptrs[a]) == NULL ||
			    htab_build(&sp->tabs[NUM_HUFF_TBLS + a], h) == -1)
				return 0;
			tno[NUM_HUFF_TBLS + a] = 1;
		}
		sp->comp[i] = c;
		sp->dct[i] = &sp->tabs[d];
		sp->act[i] = &sp->tabs[NUM_HUFF_TBLS + a];
		most += 3 + 3 * (size_t)(n - (sp->mask[i][0] != 0));
	}
	return most;
}

int
photo_decode_split(const unsigned char *jpeg, size_t len, int num, pimg *out,
    pimg *grey, int threads, struct photo_split_info *info)
{
	return photo_decode_split_at(jpeg, len, num, out, grey, threads, info,
	    CUT_AT);
}

int
photo_decode_split_at(const unsigned char *jpeg, size_t len, int num,
    pimg *out, pimg *grey, int threads, struct photo_split_info *info,
    double cut_at)
{
	struct split *sp;
	struct jpeg_decompress_struct ci;
	struct pjerr e;
	struct first f;
	pthread_t tid;
	size_t most;
	volatile int started = 0, ok = 0, made = 0;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (threads < 2 || !(cut_at > 0 && cut_at < 1) ||
	    (sp = calloc(1, sizeof(*sp))) == NULL)
		return 0;
	sp->jpeg = jpeg;
	sp->len = len;
	sp->num = num;
	sp->out = out;
	sp->grey = grey;
	sp->store = MAP_FAILED;
	pthread_mutex_init(&sp->mu, NULL);
	pthread_cond_init(&sp->cv, NULL);
	memset(&f, 0, sizeof(f));
	f.sp = sp;
	ci.err = photo_jpeg_err(&e);
	e.fatal_warnings = 1;
	jpeg_create_decompress(&ci);
	if (setjmp(e.jb) != 0)
		goto done;
	if (num < 1 || num > 7 || photo_jpeg_layout(jpeg, len, &sp->l) == -1 ||
	    sp->l.ri != 0 || len - sp->l.data < 4096)
		goto done;
	sp->mcux = (sp->l.w + 8 * sp->l.hmax - 1) / (8 * sp->l.hmax);
	sp->mcuy = (sp->l.h + 8 * sp->l.vmax - 1) / (8 * sp->l.vmax);
	sp->total = (long)sp->mcux * sp->mcuy;
	sp->rpm = (unsigned)sp->l.vmax * (unsigned)num;
	sp->ctx_rows = sp->l.vmax > 1 ? 1 : 0;
	if (sp->mcuy < 8)
		goto done;
	jpeg_mem_src(&ci, jpeg, (unsigned long)len);
	jpeg_read_header(&ci, TRUE);
	ci.out_color_space = JCS_RGB;
	ci.scale_num = (unsigned)num;
	ci.scale_denom = 8;
	jpeg_start_decompress(&ci);
	sp->outh = ci.output_height;
	if ((most = setup(sp, &ci)) == 0 || ci.output_height != (sp->l.h *
	    (unsigned)num + 7) / 8 || ci.input_iMCU_row != 0)
		goto done;
	sp->scap = most * (size_t)sp->total;
	if ((sp->store = mmap(NULL, sp->scap, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)) == MAP_FAILED ||
	    (sp->pos = malloc(SYNC_MAX * sizeof(*sp->pos))) == NULL ||
	    (sp->off = malloc(SYNC_MAX * sizeof(*sp->off))) == NULL ||
	    pimg_alloc(out, (int)ci.output_width, (int)ci.output_height, 3) ==
	    -1)
		goto done;
	made = 1;
	if (grey != NULL && pimg_alloc(grey, out->w, out->h, 1) == -1)
		goto done;
	made = 2;
	/* the cut: a data byte, not the second of a 0xFF pair */
	sp->cut = sp->l.data + (size_t)((double)(len - sp->l.data) * cut_at);
	while (sp->cut < len && jpeg[sp->cut - 1] == 0xFF)
		sp->cut++;
	if (pthread_create(&tid, NULL, second_run, sp) != 0)
		goto done;
	started = 1;
	f.b.p = jpeg + sp->l.data;
	f.b.end = jpeg + len;
	f.target = ci.output_height;
	ci.client_data = &f;
	ci.entropy->decode_mcu = first_mcu;
	while (ci.output_scanline < f.target && !f.failed) {
		unsigned y = ci.output_scanline;
		JSAMPROW dst = PIX(out, 0, y);

		jpeg_read_scanlines(&ci, &dst, 1);
		if (grey != NULL)
			pimg_grey_row(dst, PIX(grey, 0, y), out->w);
	}
	ok = !f.failed;
done:
	verdict(sp, -1);	/* no-op when already decided */
	if (started)
		pthread_join(tid, NULL);
	/* met: the second thread's part came out too; alone: all came out */
	if (ok && atomic_load(&sp->verdict) == 1)
		ok = sp->t2_ok;
	else if (ok)
		ok = f.mcu >= sp->total && tail_ok(f.b);
	if (info != NULL) {
		info->met = atomic_load(&sp->verdict) == 1 && ok;
		info->meet_mcu = sp->meet_mcu;
		info->cut_row = sp->stop_row;
		info->restarts = sp->restarted;
	}
	jpeg_destroy_decompress(&ci);
	if (!ok && made > 0)
		pimg_free(out);
	if (!ok && made > 1 && grey != NULL)
		pimg_free(grey);
	pthread_mutex_destroy(&sp->mu);
	pthread_cond_destroy(&sp->cv);
	if (sp->store != MAP_FAILED)
		munmap(sp->store, sp->scap);
	free(sp->tabs);
	free(sp->pos);
	free(sp->off);
	free(sp);
	return ok;
}
