/* SPDX-License-Identifier: MIT
 *
 * des.h: a small discrete-event simulation engine: a future-event list as a
 * binary heap, and resources with a capacity and a queue served first come
 * first served or, with keys, by priority (non-preemptive).
 *
 * Events are ordered by time, then by the order they were scheduled (a
 * sequence number), so two events at the same time always fire in the same
 * order and a run is reproducible bit for bit.  The engine knows nothing of
 * what events mean: the caller pops the next event and dispatches on its
 * type (the "event-scheduling" world view; Law, Simulation Modeling and
 * Analysis, 5th ed., ch. 1).  Resources keep the time integrals of their
 * busy units and queue length, from which utilisation and mean queue length
 * follow (Little's law checks in the tests).
 *
 * Ownership: the engine and each resource own their arrays; init/close pair
 * up.  Thread safety: one engine per thread.
 */
#ifndef REMIT_DES_H
#define REMIT_DES_H

#include <stdint.h>

#include "remit/remit_context.h"
#include "remit/remit_status.h"

typedef struct remit__event {
  double t;       /* time (days in the pathway; any unit for the engine) */
  uint64_t seq;   /* tie-breaker: scheduling order */
  int type;       /* caller's event kind */
  int entity;     /* caller's entity (patient) index */
  int arg;        /* caller's extra integer (a generation count, a resource) */
} remit__event;

typedef struct remit__des {
  remit_context *ctx;
  remit__event *heap;
  int n, cap;
  uint64_t seq;
  double now;
  long n_events;  /* events popped so far */
} remit__des;

remit_status remit__des_init(remit__des *d, remit_context *ctx, int cap_hint);
void remit__des_close(remit__des *d);
/* Schedules an event at time t (>= now). */
remit_status remit__des_schedule(remit__des *d, double t, int type, int entity, int arg);
/* Pops the earliest event into *ev and advances now; returns 0 when empty. */
int remit__des_next(remit__des *d, remit__event *ev);

typedef struct remit__resource {
  remit_context *ctx;
  const char *name;   /* borrowed */
  int capacity;       /* parallel units */
  int busy;
  int *queue;         /* ring of waiting entities, head first */
  double *qkey;       /* their priority keys: higher first, FIFO among equals */
  int qhead, qlen, qcap;
  double t_last;      /* time the integrals were last advanced */
  double busy_area;   /* integral of busy units dt */
  double queue_area;  /* integral of queue length dt */
  long granted;       /* requests granted */
  int max_queue;
} remit__resource;

remit_status remit__resource_init(remit__resource *r, remit_context *ctx, const char *name,
                                  int capacity);
void remit__resource_close(remit__resource *r);
/* Asks for one unit at time now.  Returns 1 if granted at once, 0 if the
 * entity joined the queue, or a negative status (out of memory).  The
 * queue is served by key, highest first, and first come first served among
 * equal keys (non-preemptive priority: a unit in use is never taken back).
 * remit__resource_request uses key 0 for everyone: plain FIFO. */
int remit__resource_request_key(remit__resource *r, double now, int entity, double key);
int remit__resource_request(remit__resource *r, double now, int entity);
/* Gives one unit back at time now.  If someone was queued, the unit passes
 * straight to them and their entity index is returned (the caller starts
 * their service); otherwise -1. */
int remit__resource_release(remit__resource *r, double now);
/* Removes a queued entity (it left the queue: death, withdrawal).  Returns 1
 * if it was queued. */
int remit__resource_cancel(remit__resource *r, double now, int entity);
/* Advances the integrals to time now (call before reading them at the end). */
void remit__resource_advance(remit__resource *r, double now);

/* An M/M/c queue simulated with this engine, for the tests and the
 * benchmark: Poisson arrivals at rate lambda, exponential service at rate mu
 * per server, c servers, FIFO.  The first n_warmup customers are discarded;
 * the next n_customers give the mean wait in queue (*wq) and, by batch means
 * over n_batches batches, its standard error (*wq_se).  *events counts the
 * events processed and *util the servers' utilisation.  Streams are keyed
 * by seed (rng.h). */
remit_status remit__des_mmc(remit_context *ctx, double lambda, double mu, int c, long n_warmup,
                            long n_customers, int n_batches, uint64_t seed, double *wq,
                            double *wq_se, long *events, double *util);

/* The same queue with two classes: each customer is high priority with
 * probability p_high (its own stream).  With priority = 1 the queue serves
 * high-priority customers first (non-preemptive); with 0 it is FIFO and
 * the classes are labels only.  Per class waits (0 low, 1 high) by batch
 * means; t_last is the time the last customer started service, the same
 * under both rules for the same seed (service times are drawn in service
 * order, so throughput does not depend on the rule). */
typedef struct remit__mmc_out {
  double wq, wq_se;                    /* all measured customers */
  double wq_class[2], wq_class_se[2];  /* by class: 0 low, 1 high priority */
  long events;
  double util;
  double t_last;
} remit__mmc_out;

remit_status remit__des_mmc_classes(remit_context *ctx, double lambda, double mu, int c,
                                    double p_high, int priority, long n_warmup, long n_customers,
                                    int n_batches, uint64_t seed, remit__mmc_out *out);

/* Erlang C: the mean wait in queue of an M/M/c queue, lambda < c mu. */
double remit__erlang_c_wq(double lambda, double mu, int c);

#endif /* REMIT_DES_H */
