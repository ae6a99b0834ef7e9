/* SPDX-License-Identifier: MIT
 *
 * des.c: the event heap, resources with FIFO or priority queues, and the
 * M/M/c check model (one or two priority classes).
 */
#include "des.h"

#include <math.h>
#include <string.h>

#include "core/core_impl.h"
#include "population/rng.h"

/* ------------------------------------------------------------------------ */
/* Future-event list                                                         */
/* ------------------------------------------------------------------------ */

remit_status remit__des_init(remit__des *d, remit_context *ctx, int cap_hint) {
  memset(d, 0, sizeof(*d));
  d->ctx = ctx;
  d->cap = cap_hint > 16 ? cap_hint : 16;
  d->heap = remit__malloc(ctx, sizeof(*d->heap) * (size_t)d->cap);
  return d->heap ? REMIT_OK : REMIT_ERR_NOMEM;
}

void remit__des_close(remit__des *d) {
  if (d->heap) {
    remit__free(d->ctx, d->heap);
  }
  d->heap = NULL;
  d->n = d->cap = 0;
}

static inline int before(const remit__event *a, const remit__event *b) {
  return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

remit_status remit__des_schedule(remit__des *d, double t, int type, int entity, int arg) {
  if (!(t >= d->now)) {
    return REMIT_ERROR(d->ctx, REMIT_ERR_ARG, "des: event at %g before now %g", t, d->now);
  }
  if (d->n == d->cap) {
    int cap = d->cap * 2;
    remit__event *h = remit__malloc(d->ctx, sizeof(*h) * (size_t)cap);
    if (!h) {
      return REMIT_ERR_NOMEM;
    }
    memcpy(h, d->heap, sizeof(*h) * (size_t)d->n);
    remit__free(d->ctx, d->heap);
    d->heap = h;
    d->cap = cap;
  }
  remit__event e = {t, d->seq++, type, entity, arg};
  int i = d->n++;
  while (i > 0) { /* sift up */
    int p = (i - 1) / 2;
    if (!before(&e, &d->heap[p])) {
      break;
    }
    d->heap[i] = d->heap[p];
    i = p;
  }
  d->heap[i] = e;
  return REMIT_OK;
}

int remit__des_next(remit__des *d, remit__event *ev) {
  if (d->n == 0) {
    return 0;
  }
  *ev = d->heap[0];
  remit__event last = d->heap[--d->n];
  int i = 0;
  for (;;) { /* sift the last element down from the root */
    int l = 2 * i + 1;
    if (l >= d->n) {
      break;
    }
    int m = (l + 1 < d->n && before(&d->heap[l + 1], &d->heap[l])) ? l + 1 : l;
    if (!before(&d->heap[m], &last)) {
      break;
    }
    d->heap[i] = d->heap[m];
    i = m;
  }
  if (d->n > 0) {
    d->heap[i] = last;
  }
  d->now = ev->t;
  d->n_events++;
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Resources                                                                 */
/* ------------------------------------------------------------------------ */

remit_status remit__resource_init(remit__resource *r, remit_context *ctx, const char *name,
                                  int capacity) {
  memset(r, 0, sizeof(*r));
  r->ctx = ctx;
  r->name = name;
  r->capacity = capacity;
  r->qcap = 16;
  r->queue = remit__malloc(ctx, sizeof(int) * (size_t)r->qcap);
  r->qkey = remit__malloc(ctx, sizeof(double) * (size_t)r->qcap);
  return r->queue && r->qkey ? REMIT_OK : REMIT_ERR_NOMEM;
}

void remit__resource_close(remit__resource *r) {
  if (r->queue) {
    remit__free(r->ctx, r->queue);
  }
  if (r->qkey) {
    remit__free(r->ctx, r->qkey);
  }
  r->queue = NULL;
  r->qkey = NULL;
}

void remit__resource_advance(remit__resource *r, double now) {
  double dt = now - r->t_last;
  if (dt > 0.0) {
    r->busy_area += dt * r->busy;
    r->queue_area += dt * r->qlen;
    r->t_last = now;
  }
}

/* Slot i of the queue in ring order (0 = head). */
static inline int qslot(const remit__resource *r, int i) { return (r->qhead + i) % r->qcap; }

int remit__resource_request_key(remit__resource *r, double now, int entity, double key) {
  remit__resource_advance(r, now);
  if (r->busy < r->capacity) {
    r->busy++;
    r->granted++;
    return 1;
  }
  if (r->qlen == r->qcap) {
    int cap = r->qcap * 2;
    int *q = remit__malloc(r->ctx, sizeof(int) * (size_t)cap);
    double *k = remit__malloc(r->ctx, sizeof(double) * (size_t)cap);
    if (!q || !k) {
      remit__free(r->ctx, q);
      remit__free(r->ctx, k);
      return REMIT_ERR_NOMEM;
    }
    for (int i = 0; i < r->qlen; i++) {
      q[i] = r->queue[qslot(r, i)];
      k[i] = r->qkey[qslot(r, i)];
    }
    remit__free(r->ctx, r->queue);
    remit__free(r->ctx, r->qkey);
    r->queue = q;
    r->qkey = k;
    r->qhead = 0;
    r->qcap = cap;
  }
  /* Insert behind every entry with a key >= this one: the queue stays
   * sorted by key, descending, and first come first served within a key.
   * With equal keys (FIFO) the scan stops at once and this is an append. */
  int pos = r->qlen;
  while (pos > 0 && r->qkey[qslot(r, pos - 1)] < key) {
    r->queue[qslot(r, pos)] = r->queue[qslot(r, pos - 1)];
    r->qkey[qslot(r, pos)] = r->qkey[qslot(r, pos - 1)];
    pos--;
  }
  r->queue[qslot(r, pos)] = entity;
  r->qkey[qslot(r, pos)] = key;
  r->qlen++;
  if (r->qlen > r->max_queue) {
    r->max_queue = r->qlen;
  }
  return 0;
}

int remit__resource_request(remit__resource *r, double now, int entity) {
  return remit__resource_request_key(r, now, entity, 0.0);
}

int remit__resource_release(remit__resource *r, double now) {
  remit__resource_advance(r, now);
  if (r->qlen > 0) {
    int e = r->queue[r->qhead];
    r->qhead = (r->qhead + 1) % r->qcap;
    r->qlen--;
    r->granted++;
    return e; /* the unit passes on; busy is unchanged */
  }
  if (r->busy > 0) {
    r->busy--;
  }
  return -1;
}

int remit__resource_cancel(remit__resource *r, double now, int entity) {
  for (int i = 0; i < r->qlen; i++) {
    if (r->queue[qslot(r, i)] == entity) {
      remit__resource_advance(r, now);
      for (int j = i; j + 1 < r->qlen; j++) {
        r->queue[qslot(r, j)] = r->queue[qslot(r, j + 1)];
        r->qkey[qslot(r, j)] = r->qkey[qslot(r, j + 1)];
      }
      r->qlen--;
      return 1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* M/M/c                                                                     */
/* ------------------------------------------------------------------------ */

double remit__erlang_c_wq(double lambda, double mu, int c) {
  /* Erlang C: P(wait) = [a^c/c! · c/(c-a)] / [sum_{k<c} a^k/k! + a^c/c! · c/(c-a)],
   * a = lambda/mu; Wq = P(wait) / (c mu - lambda) (Kleinrock, Queueing
   * Systems vol. 1, 1975, eq. 3.40-3.42).  Terms built by recurrence. */
  double a = lambda / mu, term = 1.0, sum = 0.0;
  for (int k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  double last = term * c / (c - a);
  double pw = last / (sum + last);
  return pw / (c * mu - lambda);
}

enum { MMC_ARRIVE = 0, MMC_DEPART = 1 };

/* Batch means: the mean of n_batches batch means and its standard error. */
static void batch_stats(const double *sum, const long *cnt, int n_batches, double *mean,
                        double *se) {
  double m = 0.0, ss = 0.0;
  for (int b = 0; b < n_batches; b++) {
    m += cnt[b] ? sum[b] / cnt[b] : 0.0;
  }
  m /= n_batches;
  for (int b = 0; b < n_batches; b++) {
    double x = (cnt[b] ? sum[b] / cnt[b] : 0.0) - m;
    ss += x * x;
  }
  *mean = m;
  *se = sqrt(ss / (n_batches - 1) / n_batches);
}

remit_status remit__des_mmc_classes(remit_context *ctx, double lambda, double mu, int c,
                                    double p_high, int priority, long n_warmup, long n_customers,
                                    int n_batches, uint64_t seed, remit__mmc_out *out) {
  if (!(lambda > 0.0) || !(mu > 0.0) || c < 1 || n_customers < n_batches || n_batches < 2 ||
      !(p_high >= 0.0 && p_high <= 1.0) || !out) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "des_mmc: bad arguments");
  }
  long total = n_warmup + n_customers;
  double *arrival = remit__malloc(ctx, sizeof(double) * (size_t)total);
  unsigned char *high = remit__malloc(ctx, (size_t)total);
  remit__des d;
  remit__resource srv;
  if (!arrival || !high) {
    remit__free(ctx, arrival);
    remit__free(ctx, high);
    return REMIT_ERR_NOMEM;
  }
  remit_status st = remit__des_init(&d, ctx, 64);
  if (st == REMIT_OK) {
    st = remit__resource_init(&srv, ctx, "server", c);
  }
  if (st != REMIT_OK) {
    remit__free(ctx, arrival);
    remit__free(ctx, high);
    remit__des_close(&d);
    return st;
  }
  /* Arrivals, services and classes from separate streams: a service time is
   * drawn when a service starts, so under any work-conserving rule the k-th
   * service has the same length and the server's busy periods are the
   * same; only who is served changes. */
  remit__rng ra, rs, rk;
  remit__rng_key(&ra, seed, 0, 0, 1);
  remit__rng_key(&rs, seed, 0, 0, 2);
  remit__rng_key(&rk, seed, 0, 0, 3);
  /* Batch sums and counts: all customers, then class 0 (low), class 1 (high). */
  double *bsum = remit__calloc(ctx, 3 * (size_t)n_batches, sizeof(double));
  long *bcnt = remit__calloc(ctx, 3 * (size_t)n_batches, sizeof(long));
  long per_batch = n_customers / n_batches, next_id = 0, done = 0;
  double t_first = 0.0, t_stop = 0.0;
  if (!bsum || !bcnt) {
    st = REMIT_ERR_NOMEM;
  }
  if (st == REMIT_OK) {
    st = remit__des_schedule(&d, -log1p(-remit__rng_uniform(&ra)) / lambda, MMC_ARRIVE, 0, 0);
  }
  remit__event ev;
  while (st == REMIT_OK && done < total && remit__des_next(&d, &ev)) {
    if (ev.type == MMC_ARRIVE) {
      long id = next_id++;
      arrival[id] = ev.t;
      high[id] = remit__rng_uniform(&rk) < p_high;
      if (next_id < total) {
        st = remit__des_schedule(&d, ev.t - log1p(-remit__rng_uniform(&ra)) / lambda, MMC_ARRIVE,
                                 (int)next_id, 0);
      }
      int g = remit__resource_request_key(&srv, ev.t, (int)id, priority && high[id] ? 1.0 : 0.0);
      if (g < 0) {
        st = REMIT_ERR_NOMEM;
      } else if (g == 1) {
        ev.entity = (int)id;
        goto start_service;
      }
      continue;
    }
    /* Departure: the unit passes to the next in line, if any. */
    {
      int nxt = remit__resource_release(&srv, ev.t);
      if (nxt < 0) {
        continue;
      }
      ev.entity = nxt;
    }
  start_service : {
    long id = ev.entity;
    if (id >= n_warmup) {
      long k = id - n_warmup;
      int b = (int)(k / per_batch);
      if (b < n_batches) {
        double w = ev.t - arrival[id];
        int cls = 1 + high[id];
        bsum[b] += w;
        bcnt[b]++;
        bsum[(size_t)cls * n_batches + b] += w;
        bcnt[(size_t)cls * n_batches + b]++;
      }
      if (k == 0) {
        t_first = ev.t;
        srv.busy_area = 0.0; /* utilisation over the measured period only */
        srv.queue_area = 0.0;
      }
    }
    done++;
    t_stop = ev.t;
    st = remit__des_schedule(&d, ev.t - log1p(-remit__rng_uniform(&rs)) / mu, MMC_DEPART,
                             (int)id, 0);
  }
  }
  if (st == REMIT_OK) {
    batch_stats(bsum, bcnt, n_batches, &out->wq, &out->wq_se);
    for (int k = 0; k < 2; k++) {
      batch_stats(bsum + (size_t)(k + 1) * n_batches, bcnt + (size_t)(k + 1) * n_batches,
                  n_batches, &out->wq_class[k], &out->wq_class_se[k]);
    }
    out->events = d.n_events;
    out->t_last = t_stop;
    remit__resource_advance(&srv, t_stop);
    out->util = t_stop > t_first ? srv.busy_area / (c * (t_stop - t_first)) : NAN;
  }
  remit__free(ctx, bsum);
  remit__free(ctx, bcnt);
  remit__free(ctx, high);
  remit__free(ctx, arrival);
  remit__resource_close(&srv);
  remit__des_close(&d);
  return st;
}

remit_status remit__des_mmc(remit_context *ctx, double lambda, double mu, int c, long n_warmup,
                            long n_customers, int n_batches, uint64_t seed, double *wq,
                            double *wq_se, long *events, double *util) {
  remit__mmc_out o;
  remit_status st = remit__des_mmc_classes(ctx, lambda, mu, c, 0.0, 0, n_warmup, n_customers,
                                           n_batches, seed, &o);
  if (st == REMIT_OK) {
    *wq = o.wq;
    *wq_se = o.wq_se;
    *events = o.events;
    *util = o.util;
  }
  return st;
}
