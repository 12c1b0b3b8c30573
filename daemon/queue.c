/*
 * queue.c — the only way idphotod's threads talk: a FIFO of intrusive
 * nodes under a mutex. A thread blocks in queue_pop(q, -1), or for a
 * while in queue_pop(q, ms); the main loop never blocks on a queue: each
 * push also writes one byte to the queue's wake-up pipe, which the main
 * loop polls, then drains the queue with queue_pop(q, 0).
 *
 * The messages are freed here too, by msg_free(), with one destructor
 * for each kind: whoever holds a message (a queue, or the thread that
 * popped it) frees it with msg_free() and nothing else, so a message in
 * a queue being destroyed is freed whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "daemon/idphotod.h"

void
queue_init(struct queue *q, int wakefd)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_condattr_destroy(&ca);
	q->head = q->tail = NULL;
	q->closed = 0;
	q->wakefd = wakefd;
}

void
queue_push(struct queue *q, struct qnode *n)
{
	char b = 1;

	n->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	/* a full pipe already means "wake up": EAGAIN is fine */
	if (q->wakefd != -1)
		while (write(q->wakefd, &b, 1) == -1 && errno == EINTR)
			;
}

struct qnode *
queue_pop(struct queue *q, int wait_ms)
{
	struct qnode *n;
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->mu);
	while (wait_ms != 0 && q->head == NULL && !q->closed)
		if (wait_ms < 0)
			pthread_cond_wait(&q->cv, &q->mu);
		else if (pthread_cond_timedwait(&q->cv, &q->mu, &until) ==
		    ETIMEDOUT)
			break;
	if ((n = q->head) != NULL) {
		q->head = n->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	return n;
}

int
queue_closed(struct queue *q)
{
	int c;

	pthread_mutex_lock(&q->mu);
	c = q->closed;
	pthread_mutex_unlock(&q->mu);
	return c;
}

void
queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
queue_destroy(struct queue *q)
{
	struct qnode *n;

	while ((n = queue_pop(q, 0)) != NULL)
		msg_free(n);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
}

static void
frame_free(struct qnode *n)
{
	free(((struct msg_frame *)n)->buf);
}

static void
capture_free(struct qnode *n)
{
	struct msg_capture *m = (struct msg_capture *)n;

	msg_free(m->reply ? &m->reply->q : NULL);
}

static void
job_free(struct qnode *n)
{
	struct msg_job *j = (struct msg_job *)n;

	free(j->buf);
	msg_free(j->reply ? &j->reply->q : NULL);
}

static void
history_free(struct qnode *n)
{
	json_decref(((struct msg_history *)n)->list);
}

static void
result_free(struct qnode *n)
{
	json_decref(((struct msg_result *)n)->result);
}

/* What each kind owns besides itself; NULL: nothing. */
static void (*const destructor[])(struct qnode *) = {
	[MSG_CAPTURE] = capture_free,
	[MSG_FRAME] = frame_free,
	[MSG_CAMSTATE] = NULL,
	[MSG_JOB] = job_free,
	[MSG_RESULT] = result_free,
	[MSG_LIVEVIEW] = NULL,
	[MSG_PREVIEW] = frame_free,
	[MSG_HISTORY] = history_free,
};

void
msg_free(struct qnode *n)
{
	if (n == NULL)
		return;
	if (n->kind > 0 && (size_t)n->kind < sizeof(destructor) /
	    sizeof(destructor[0]) && destructor[n->kind] != NULL)
		destructor[n->kind](n);
	free(n);
}

struct msg_job *
msg_job_new(void)
{
	struct msg_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->reply = calloc(1, sizeof(*j->reply))) == NULL)
		fatal("out of memory");
	j->q.kind = MSG_JOB;
	j->reply->q.kind = MSG_RESULT;
	return j;
}
