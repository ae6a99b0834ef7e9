/* SPDX-License-Identifier: MIT
 *
 * trial_mpi.h: the trial engine's message layer across processes (private).
 *
 * The engine (trial.c) splits the chunks of patients of a run across the
 * ranks of an MPI communicator: every rank computes the same enrolment, each
 * simulates the chunks it owns, worker ranks send their chunks' results to
 * rank 0 as byte messages, and rank 0, the only one that touches the run
 * store, writes every chunk in order (docs/cluster.md).  This file is the
 * only one that includes <mpi.h>; trial.c sees these few calls, and a build
 * without MPI (REMIT_HAVE_MPI undefined) gets a single-process stand-in where
 * rank = 0 and size = 1, so the engine has one code path.
 *
 * Protocol (one run; chunks dealt on demand, trial.c "Dealing"):
 *   every rank   remit__comm_open        (duplicates the caller's communicator)
 *   every rank   remit__comm_agree, remit__comm_bcast   (set-up, resume point,
 *                the run's chunk plan)
 *   workers      per chunk they are given: remit__comm_send(0, CHUNK), and
 *                rank 0's answer (the next chunk or none) received through
 *                remit__comm_post_assign / remit__comm_wait_assign while the
 *                next chunks run; remit__comm_stop_requested before each;
 *                then one END message (a status and message) whatever happened
 *   rank 0       remit__comm_poll for the workers' chunks and ENDs, answering
 *                every CHUNK with one ASSIGN (remit__comm_send); on an
 *                error remit__comm_send_stop, then receives (answering and
 *                dropping chunks) until every worker's END has arrived
 *   every rank   remit__comm_finish      (rank 0's final status to everyone)
 *   every rank   remit__comm_close
 * Messages between two ranks are not overtaken (MPI's ordering), so rank 0
 * reading a given worker's messages in its schedule order is enough.
 *
 * Errors: MPI failures are returned as REMIT_ERR_IO with MPI's text on the
 * context (the duplicated communicator uses MPI_ERRORS_RETURN: the library
 * never aborts).  Ownership: buffers are the caller's; remit__comm_recv grows
 * the caller's buffer with the context's allocator.  Thread safety: called
 * from the thread that called remit_trial_run only (MPI_THREAD_FUNNELED is
 * enough); OpenMP workers never call these.
 */
#ifndef REMIT_TRIAL_MPI_H
#define REMIT_TRIAL_MPI_H

#include <stddef.h>
#include <stdint.h>

#include "remit/remit_context.h"

typedef struct remit__comm remit__comm;

/* Message tags. */
enum { REMIT__TAG_CHUNK = 1, REMIT__TAG_END = 2, REMIT__TAG_STOP = 3, REMIT__TAG_ASSIGN = 4 };

/* mpi_comm NULL: this process alone (size 1).  Otherwise it points to an
 * MPI_Comm that MPI has been initialised for; REMIT_ERR_ARG if this build
 * has no MPI or MPI is not initialised.  Collective over the communicator. */
remit_status remit__comm_open(remit_context *ctx, const void *mpi_comm, remit__comm **out);

/* Releases the duplicate communicator (collective); NULL is harmless. */
void remit__comm_close(remit__comm **c);

int remit__comm_rank(const remit__comm *c);
int remit__comm_size(const remit__comm *c);

/* Every rank: *flag becomes the largest *flag of all ranks (so any rank's
 * failure is everyone's). */
remit_status remit__comm_agree(remit__comm *c, int *flag);

/* Every rank: n bytes from rank 0 to all. */
remit_status remit__comm_bcast(remit__comm *c, void *buf, size_t n);

/* Blocking send of n bytes to rank `to` (its receive bounds the sender to
 * one message in flight). */
remit_status remit__comm_send(remit__comm *c, int to, int tag, const void *buf, size_t n);

/* Receives the next message from rank `from`, whatever its tag, into *buf
 * (grown to fit; *cap its size), *n bytes, *tag its tag. */
remit_status remit__comm_recv(remit__comm *c, int from, int *tag, unsigned char **buf,
                              size_t *cap, size_t *n);

/* Rank 0: the next message from any rank, as remit__comm_recv.  block = 0
 * returns at once, with *from = -1 if no message has arrived. */
remit_status remit__comm_poll(remit__comm *c, int block, int *from, int *tag, unsigned char **buf,
                              size_t *cap, size_t *n);

/* Workers: posts the receive of rank 0's next ASSIGN message (one int64)
 * into *slot, which must stay valid until remit__comm_wait_assign.  One at
 * a time. */
remit_status remit__comm_post_assign(remit__comm *c, int64_t *slot);

/* Workers: the posted ASSIGN has arrived (*done = 1, and nothing is posted
 * any more) or not (*done = 0); block = 1 waits for it.  With nothing
 * posted, *done = 1 at once. */
remit_status remit__comm_wait_assign(remit__comm *c, int block, int *done);

/* Workers: 1 if rank 0 asked everyone to stop (an error or an interruption
 * there), else 0.  Does not block. */
int remit__comm_stop_requested(remit__comm *c);

/* Rank 0: asks every worker to stop after its current chunk (once; later
 * calls do nothing). */
remit_status remit__comm_send_stop(remit__comm *c);

/* Every rank: rank 0's *st and message (its context's) become every rank's;
 * on a worker a failure is raised on its context with rank 0's message.
 * Also completes the stop messages.  Collective. */
remit_status remit__comm_finish(remit__comm *c, remit_status st);

#endif /* REMIT_TRIAL_MPI_H */
