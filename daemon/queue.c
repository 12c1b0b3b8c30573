/*
 * queue.c — the only way idphotod's threads talk: a FIFO of intrusive
 * nodes under a mutex. A thread blocks in queue_pop(q, -1), or for a
 * while in queue_pop(q, ms); the main loop never blocks on a queue: each
 * push also writes one byte to the queue's wake-up pipe, which the main
 * loop polls, then drains the queue with queue_pop(q, 0).
 */
#include <errno.h>
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
