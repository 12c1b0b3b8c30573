/*
 * test_queue.c — daemon/queue.c: the FIFO the daemon's threads talk
 * through, its wake-up pipe, closing, and the messages' destructors (run
 * under AddressSanitizer in make check, where a leak or a double free of
 * any message kind fails).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/idphotod.h"
#include "tests/testutil.h"

struct item {
	struct qnode q;
	int	n;
};

START_TEST(fifo_order)
{
	struct queue q;
	struct item it[5];
	struct qnode *n;
	int i;

	queue_init(&q, -1);
	ck_assert_ptr_null(queue_pop(&q, 0));
	for (i = 0; i < 5; i++) {
		it[i].n = i;
		it[i].q.kind = 1000;	/* no message kind: never freed */
		queue_push(&q, &it[i].q);
	}
	for (i = 0; i < 5; i++) {
		ck_assert_ptr_nonnull(n = queue_pop(&q, 0));
		ck_assert_int_eq(((struct item *)n)->n, i);
	}
	ck_assert_ptr_null(queue_pop(&q, 0));
	queue_push(&q, &it[0].q);	/* and again after it emptied */
	ck_assert_ptr_eq(queue_pop(&q, 0), &it[0].q);
	ck_assert_ptr_null(queue_pop(&q, 0));
	queue_destroy(&q);
}
END_TEST

START_TEST(wakeup_pipe)
{
	struct queue q;
	struct item it[3];
	char buf[16];
	int p[2], i;

	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	queue_init(&q, p[1]);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), -1);	/* nothing */
	for (i = 0; i < 3; i++)
		queue_push(&q, &it[i].q);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 3);	/* a byte each */
	while (queue_pop(&q, 0) != NULL)
		;
	queue_destroy(&q);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(timed_pop_and_close)
{
	struct queue q;
	long long t;

	queue_init(&q, -1);
	t = store_now_ms();
	ck_assert_ptr_null(queue_pop(&q, 100));
	ck_assert_int_ge(store_now_ms() - t, 90);	/* it did wait */
	ck_assert(!queue_closed(&q));
	queue_close(&q);
	ck_assert(queue_closed(&q));
	ck_assert_ptr_null(queue_pop(&q, -1));	/* closed: no block */
	queue_destroy(&q);
}
END_TEST

/* A node pushed while the queue is closed still comes out: a capture
 * queued before the stop is taken, never dropped. */
START_TEST(closed_queue_still_delivers)
{
	struct queue q;
	struct item it;

	queue_init(&q, -1);
	queue_close(&q);
	queue_push(&q, &it.q);
	ck_assert_ptr_eq(queue_pop(&q, -1), &it.q);
	ck_assert_ptr_null(queue_pop(&q, -1));
	queue_destroy(&q);
}
END_TEST

struct prod {
	struct queue *q;
	int	base, n;
};

static void *
producer(void *arg)
{
	struct prod *p = arg;
	int i;

	for (i = 0; i < p->n; i++) {
		struct item *it = malloc(sizeof(*it));

		it->n = p->base + i;
		it->q.kind = 1000;
		queue_push(p->q, &it->q);
	}
	return NULL;
}

/* Two threads push, one pops with blocking waits: nothing is lost and
 * each producer's items come in its order. */
START_TEST(threads)
{
	struct queue q;
	struct prod a = { &q, 0, 2000 }, b = { &q, 100000, 2000 };
	pthread_t ta, tb;
	struct qnode *n;
	int got = 0, last_a = -1, last_b = 99999, v;

	queue_init(&q, -1);
	pthread_create(&ta, NULL, producer, &a);
	pthread_create(&tb, NULL, producer, &b);
	while (got < 4000 && (n = queue_pop(&q, 5000)) != NULL) {
		v = ((struct item *)n)->n;
		if (v < 100000) {
			ck_assert_int_gt(v, last_a);
			last_a = v;
		} else {
			ck_assert_int_gt(v, last_b);
			last_b = v;
		}
		free(n);
		got++;
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_int_eq(got, 4000);
	queue_destroy(&q);
}
END_TEST

/* Every kind frees what it owns (ASan: no leak, no double free), a
 * message with its answer attached frees the answer too, and a queue
 * destroyed with messages in it frees them. */
START_TEST(destructors)
{
	struct queue q;
	struct msg_job *j = msg_job_new();
	struct msg_frame *f = calloc(1, sizeof(*f));
	struct msg_frame *pv = calloc(1, sizeof(*pv));
	struct msg_result *r = calloc(1, sizeof(*r));
	struct msg_camstate *cs = calloc(1, sizeof(*cs));
	struct msg_liveview *lv = calloc(1, sizeof(*lv));

	ck_assert_int_eq(j->q.kind, MSG_JOB);
	ck_assert_ptr_nonnull(j->reply);	/* allocated up front */
	ck_assert_int_eq(j->reply->q.kind, MSG_RESULT);
	j->buf = malloc(100);
	j->reply->result = json_pack("{s:i}", "x", 1);
	f->q.kind = MSG_FRAME;
	f->buf = malloc(100);
	pv->q.kind = MSG_PREVIEW;
	pv->buf = malloc(10);
	r->q.kind = MSG_RESULT;
	r->result = json_object();
	cs->q.kind = MSG_CAMSTATE;
	lv->q.kind = MSG_LIVEVIEW;
	msg_free(NULL);
	msg_free(&r->q);
	msg_free(&cs->q);
	queue_init(&q, -1);
	queue_push(&q, &j->q);
	queue_push(&q, &f->q);
	queue_push(&q, &pv->q);
	queue_push(&q, &lv->q);
	queue_destroy(&q);	/* frees the four, with what they own */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, fifo_order);
	tcase_add_test(tc, wakeup_pipe);
	tcase_add_test(tc, timed_pop_and_close);
	tcase_add_test(tc, closed_queue_still_delivers);
	tcase_add_test(tc, threads);
	tcase_add_test(tc, destructors);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
