/* SPDX-License-Identifier: MIT
 *
 * trial_mpi.c: the trial engine's message layer (trial_mpi.h): a thin
 * wrapper over the dozen MPI calls the engine needs, and a single-process
 * stand-in when remit is built without MPI (REMIT_ENABLE_MPI=OFF).
 *
 * The communicator the caller gives is duplicated, so the engine's messages
 * never meet the caller's, and its error handler set to MPI_ERRORS_RETURN,
 * so an MPI failure comes back as a status instead of aborting the process.
 */
#include "trial/trial_mpi.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/core_impl.h"
#include "remit/remit_config.h"

#ifdef REMIT_HAVE_MPI
#include <mpi.h>
#endif

struct remit__comm {
  remit_context *ctx;
  int rank, size;
#ifdef REMIT_HAVE_MPI
  MPI_Comm comm;           /* the duplicate; MPI_COMM_NULL when size 1 without MPI */
  MPI_Request stop_recv;   /* workers: the pending receive of rank 0's stop */
  int stopped;             /* workers: the stop has arrived */
  char stop_in, stop_out;  /* the one-byte stop message */
  MPI_Request *stop_send;  /* rank 0: one per worker, once sent */
  MPI_Request assign;      /* workers: the posted receive of the next ASSIGN */
  /* Workers: chunk results go out with MPI_Isend from two owned buffers, so
   * a worker simulates its next chunk while rank 0, busy with a chunk of its
   * own, has not yet received the last one (a blocking send of a large
   * message waits for the receive: half of a worker's time at 2 ranks). */
  unsigned char *sbuf[2];
  size_t scap[2];
  MPI_Request sreq[2];
  int snext;
#endif
};

/* What rank 0 tells everyone at the end. */
typedef struct final_msg {
  int status;
  int stop_sent;
  char msg[512];
} final_msg;

int remit__comm_rank(const remit__comm *c) { return c ? c->rank : 0; }
int remit__comm_size(const remit__comm *c) { return c ? c->size : 1; }

#ifdef REMIT_HAVE_MPI

static remit_status mpi_fail(remit__comm *c, int rc, const char *what) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) {
    snprintf(text, sizeof text, "MPI error %d", rc);
  }
  return REMIT_ERROR(c->ctx, REMIT_ERR_IO, "rank %d: %s: %s", c->rank, what, text);
}

remit_status remit__comm_open(remit_context *ctx, const void *mpi_comm, remit__comm **out) {
  *out = NULL;
  remit__comm *c = remit__calloc(ctx, 1, sizeof(*c));
  if (!c) {
    return REMIT_ERR_NOMEM;
  }
  c->ctx = ctx;
  c->size = 1;
  c->comm = MPI_COMM_NULL;
  c->stop_recv = MPI_REQUEST_NULL;
  c->assign = MPI_REQUEST_NULL;
  c->sreq[0] = c->sreq[1] = MPI_REQUEST_NULL;
  if (mpi_comm) {
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (!init || fin) {
      remit__free(ctx, c);
      return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_trial_run: a communicator was given but MPI "
                                             "is not initialised");
    }
    int rc = MPI_Comm_dup(*(const MPI_Comm *)mpi_comm, &c->comm);
    if (rc != MPI_SUCCESS) {
      remit_status st = mpi_fail(c, rc, "MPI_Comm_dup");
      remit__free(ctx, c);
      return st;
    }
    MPI_Comm_set_errhandler(c->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(c->comm, &c->rank);
    MPI_Comm_size(c->comm, &c->size);
    if (c->rank != 0) {
      /* Posted now, so rank 0's stop always has a matching receive and its
       * send completes whatever this rank is doing. */
      rc = MPI_Irecv(&c->stop_in, 1, MPI_CHAR, 0, REMIT__TAG_STOP, c->comm, &c->stop_recv);
      if (rc != MPI_SUCCESS) {
        /* Nothing can be agreed on any more: leave the communicator to MPI. */
        remit_status st = mpi_fail(c, rc, "MPI_Irecv");
        remit__free(ctx, c);
        return st;
      }
    }
  }
  *out = c;
  return REMIT_OK;
}

void remit__comm_close(remit__comm **cp) {
  if (!cp || !*cp) {
    return;
  }
  remit__comm *c = *cp;
  /* Sends still pending here belong to a run that failed before finish:
   * rank 0 drains every worker's messages until its END, so they complete. */
  if (c->comm != MPI_COMM_NULL) {
    MPI_Waitall(2, c->sreq, MPI_STATUSES_IGNORE);
  }
  remit__free(c->ctx, c->sbuf[0]);
  remit__free(c->ctx, c->sbuf[1]);
  MPI_Request *pending[2] = {&c->stop_recv, &c->assign};
  for (int k = 0; k < 2; k++) {
    if (*pending[k] != MPI_REQUEST_NULL) { /* finish was not reached */
      MPI_Cancel(pending[k]);
      MPI_Wait(pending[k], MPI_STATUS_IGNORE);
    }
  }
  if (c->comm != MPI_COMM_NULL) {
    MPI_Comm_free(&c->comm);
  }
  remit__free(c->ctx, c->stop_send);
  remit__free(c->ctx, c);
  *cp = NULL;
}

remit_status remit__comm_agree(remit__comm *c, int *flag) {
  if (c->size == 1) {
    return REMIT_OK;
  }
  int in = *flag;
  int rc = MPI_Allreduce(&in, flag, 1, MPI_INT, MPI_MAX, c->comm);
  return rc == MPI_SUCCESS ? REMIT_OK : mpi_fail(c, rc, "MPI_Allreduce");
}

remit_status remit__comm_bcast(remit__comm *c, void *buf, size_t n) {
  if (c->size == 1) {
    return REMIT_OK;
  }
  if (n > INT_MAX) {
    return REMIT_ERROR(c->ctx, REMIT_ERR_RANGE, "broadcast of %zu bytes is too large", n);
  }
  int rc = MPI_Bcast(buf, (int)n, MPI_BYTE, 0, c->comm);
  return rc == MPI_SUCCESS ? REMIT_OK : mpi_fail(c, rc, "MPI_Bcast");
}

remit_status remit__comm_send(remit__comm *c, int to, int tag, const void *buf, size_t n) {
  if (n > INT_MAX) {
    return REMIT_ERROR(c->ctx, REMIT_ERR_RANGE, "message of %zu bytes is too large (use a "
                                                "smaller chunk size)", n);
  }
  if (tag != REMIT__TAG_CHUNK) {
    int rc = MPI_Send(buf, (int)n, MPI_BYTE, to, tag, c->comm);
    return rc == MPI_SUCCESS ? REMIT_OK : mpi_fail(c, rc, "MPI_Send");
  }
  /* MPI keeps the order of messages between two ranks, so an END sent
   * later still arrives after these chunks. */
  const int k = c->snext;
  int rc = MPI_Wait(&c->sreq[k], MPI_STATUS_IGNORE); /* the send two chunks ago */
  if (rc != MPI_SUCCESS) {
    return mpi_fail(c, rc, "MPI_Wait");
  }
  if (n > c->scap[k]) {
    unsigned char *grown = remit__realloc(c->ctx, c->sbuf[k], n);
    if (!grown) {
      return REMIT_ERR_NOMEM;
    }
    c->sbuf[k] = grown;
    c->scap[k] = n;
  }
  memcpy(c->sbuf[k], buf, n);
  rc = MPI_Isend(c->sbuf[k], (int)n, MPI_BYTE, to, tag, c->comm, &c->sreq[k]);
  if (rc != MPI_SUCCESS) {
    c->sreq[k] = MPI_REQUEST_NULL;
    return mpi_fail(c, rc, "MPI_Isend");
  }
  c->snext = 1 - k;
  return REMIT_OK;
}

/* The next message from `source` (a rank or MPI_ANY_SOURCE), whatever its
 * tag, into *buf; with block = 0, *from = -1 if none has arrived.  Workers
 * receive their ASSIGN and STOP messages through posted receives, never
 * here; rank 0 receives only CHUNK and END messages. */
static remit_status probe_recv(remit__comm *c, int source, int block, int *from, int *tag,
                               unsigned char **buf, size_t *cap, size_t *n) {
  MPI_Status s;
  int flag = 1;
  int rc = block ? MPI_Probe(source, MPI_ANY_TAG, c->comm, &s)
                 : MPI_Iprobe(source, MPI_ANY_TAG, c->comm, &flag, &s);
  if (rc == MPI_SUCCESS && !flag) {
    *from = -1;
    return REMIT_OK;
  }
  int count = 0;
  if (rc == MPI_SUCCESS) {
    rc = MPI_Get_count(&s, MPI_BYTE, &count);
  }
  if (rc != MPI_SUCCESS) {
    return mpi_fail(c, rc, "MPI_Probe");
  }
  if ((size_t)count > *cap) {
    unsigned char *grown = remit__realloc(c->ctx, *buf, (size_t)count);
    if (!grown) {
      return REMIT_ERR_NOMEM;
    }
    *buf = grown;
    *cap = (size_t)count;
  }
  rc = MPI_Recv(*buf, count, MPI_BYTE, s.MPI_SOURCE, s.MPI_TAG, c->comm, MPI_STATUS_IGNORE);
  if (rc != MPI_SUCCESS) {
    return mpi_fail(c, rc, "MPI_Recv");
  }
  *from = s.MPI_SOURCE;
  *tag = s.MPI_TAG;
  *n = (size_t)count;
  return REMIT_OK;
}

remit_status remit__comm_recv(remit__comm *c, int from, int *tag, unsigned char **buf,
                              size_t *cap, size_t *n) {
  return probe_recv(c, from, 1, &from, tag, buf, cap, n);
}

remit_status remit__comm_poll(remit__comm *c, int block, int *from, int *tag, unsigned char **buf,
                              size_t *cap, size_t *n) {
  return probe_recv(c, MPI_ANY_SOURCE, block, from, tag, buf, cap, n);
}

remit_status remit__comm_post_assign(remit__comm *c, int64_t *slot) {
  int rc = MPI_Irecv(slot, (int)sizeof *slot, MPI_BYTE, 0, REMIT__TAG_ASSIGN, c->comm, &c->assign);
  return rc == MPI_SUCCESS ? REMIT_OK : mpi_fail(c, rc, "MPI_Irecv");
}

remit_status remit__comm_wait_assign(remit__comm *c, int block, int *done) {
  *done = 1;
  if (c->assign == MPI_REQUEST_NULL) {
    return REMIT_OK;
  }
  int rc = block ? MPI_Wait(&c->assign, MPI_STATUS_IGNORE)
                 : MPI_Test(&c->assign, done, MPI_STATUS_IGNORE);
  return rc == MPI_SUCCESS ? REMIT_OK : mpi_fail(c, rc, block ? "MPI_Wait" : "MPI_Test");
}

int remit__comm_stop_requested(remit__comm *c) {
  if (c->size == 1 || c->rank == 0) {
    return 0;
  }
  if (!c->stopped && c->stop_recv != MPI_REQUEST_NULL) {
    int done = 0;
    if (MPI_Test(&c->stop_recv, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && done) {
      c->stopped = 1;
    }
  }
  return c->stopped;
}

remit_status remit__comm_send_stop(remit__comm *c) {
  if (c->size == 1 || c->rank != 0 || c->stop_send) {
    return REMIT_OK;
  }
  c->stop_send = remit__calloc(c->ctx, (size_t)c->size, sizeof(*c->stop_send));
  if (!c->stop_send) {
    return REMIT_ERR_NOMEM;
  }
  c->stop_send[0] = MPI_REQUEST_NULL;
  for (int r = 1; r < c->size; r++) {
    int rc = MPI_Isend(&c->stop_out, 1, MPI_CHAR, r, REMIT__TAG_STOP, c->comm, &c->stop_send[r]);
    if (rc != MPI_SUCCESS) {
      c->stop_send[r] = MPI_REQUEST_NULL;
      return mpi_fail(c, rc, "MPI_Isend");
    }
  }
  return REMIT_OK;
}

remit_status remit__comm_finish(remit__comm *c, remit_status st) {
  if (c->size == 1) {
    return st;
  }
  final_msg f;
  memset(&f, 0, sizeof f);
  MPI_Waitall(2, c->sreq, MPI_STATUSES_IGNORE); /* rank 0 has received every chunk */
  if (c->rank == 0) {
    if (c->stop_send) { /* every worker posted its receive at open: these complete */
      MPI_Waitall(c->size, c->stop_send, MPI_STATUSES_IGNORE);
    }
    f.status = (int)st;
    f.stop_sent = c->stop_send != NULL;
    if (st != REMIT_OK) {
      snprintf(f.msg, sizeof f.msg, "%s", remit_context_errmsg(c->ctx));
    }
  }
  int rc = MPI_Bcast(&f, (int)sizeof f, MPI_BYTE, 0, c->comm);
  if (rc != MPI_SUCCESS) {
    return mpi_fail(c, rc, "MPI_Bcast");
  }
  if (c->rank == 0) {
    return st;
  }
  if (c->stop_recv != MPI_REQUEST_NULL) {
    if (!f.stop_sent) {
      MPI_Cancel(&c->stop_recv);
    }
    MPI_Wait(&c->stop_recv, MPI_STATUS_IGNORE);
  }
  if (f.status != REMIT_OK) {
    return REMIT_ERROR(c->ctx, (remit_status)f.status, "%s", f.msg);
  }
  return REMIT_OK;
}

#else /* !REMIT_HAVE_MPI: this process alone */

remit_status remit__comm_open(remit_context *ctx, const void *mpi_comm, remit__comm **out) {
  *out = NULL;
  if (mpi_comm) {
    return REMIT_ERROR(ctx, REMIT_ERR_ARG, "remit_trial_run: a communicator was given but this "
                                           "remit was built without MPI (REMIT_ENABLE_MPI=OFF)");
  }
  remit__comm *c = remit__calloc(ctx, 1, sizeof(*c));
  if (!c) {
    return REMIT_ERR_NOMEM;
  }
  c->ctx = ctx;
  c->size = 1;
  *out = c;
  return REMIT_OK;
}

void remit__comm_close(remit__comm **cp) {
  if (cp && *cp) {
    remit__free((*cp)->ctx, *cp);
    *cp = NULL;
  }
}

remit_status remit__comm_agree(remit__comm *c, int *flag) {
  (void)c;
  (void)flag;
  return REMIT_OK;
}

remit_status remit__comm_bcast(remit__comm *c, void *buf, size_t n) {
  (void)c;
  (void)buf;
  (void)n;
  return REMIT_OK;
}

remit_status remit__comm_send(remit__comm *c, int to, int tag, const void *buf, size_t n) {
  (void)to;
  (void)tag;
  (void)buf;
  (void)n;
  return REMIT_ERROR(c->ctx, REMIT_ERR_STATE, "no other process to send to");
}

remit_status remit__comm_recv(remit__comm *c, int from, int *tag, unsigned char **buf,
                              size_t *cap, size_t *n) {
  (void)from;
  (void)tag;
  (void)buf;
  (void)cap;
  (void)n;
  return REMIT_ERROR(c->ctx, REMIT_ERR_STATE, "no other process to receive from");
}

remit_status remit__comm_poll(remit__comm *c, int block, int *from, int *tag, unsigned char **buf,
                              size_t *cap, size_t *n) {
  (void)block;
  (void)tag;
  (void)buf;
  (void)cap;
  (void)n;
  *from = -1;
  return REMIT_ERROR(c->ctx, REMIT_ERR_STATE, "no other process to receive from");
}

remit_status remit__comm_post_assign(remit__comm *c, int64_t *slot) {
  (void)slot;
  return REMIT_ERROR(c->ctx, REMIT_ERR_STATE, "no other process to receive from");
}

remit_status remit__comm_wait_assign(remit__comm *c, int block, int *done) {
  (void)c;
  (void)block;
  *done = 1;
  return REMIT_OK;
}

int remit__comm_stop_requested(remit__comm *c) {
  (void)c;
  return 0;
}

remit_status remit__comm_send_stop(remit__comm *c) {
  (void)c;
  return REMIT_OK;
}

remit_status remit__comm_finish(remit__comm *c, remit_status st) {
  (void)c;
  return st;
}

#endif /* REMIT_HAVE_MPI */
