/* SPDX-License-Identifier: MIT
 *
 * cvodes.c: the CVODES backend.  BDF with a dense direct linear solver,
 * because the models are small (tens of states), stiff (rates from minutes
 * to years) and have no exploitable band structure.  The Newton matrix is
 * formed by our own linear-system function and factored by our own dense
 * LU (dense_lu.c): same algorithms as CVODES's dense path, without its
 * generic-kernel overhead (docs/performance.md).  CVODES flags are mapped
 * to remit statuses here, at the boundary, with the flag named in the
 * context's message.
 */
#include <math.h>
#include <string.h>

#include <cvodes/cvodes.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "core/core_impl.h"
#include "dense_lu.h"
#include "fast_bdf.h"
#include "solver_impl.h"

struct remit__solver {
  SUNContext sunctx;
  void *cvode_mem;
  N_Vector y;
  N_Vector atol;
  SUNMatrix A;
  SUNLinearSolver LS;
  double *jac;          /* n*n column-major Jacobian kept between Newton matrix updates */
  double *jac_rowmajor; /* n*n scratch for a user Jacobian */
  unsigned char *dormant; /* n: states held at exactly zero (see dormant_states) */
  N_Vector ewt, ftmp;   /* error weights and f(y + dy) for difference quotients */
  int n;
  /* REMIT_SOLVER_FAST (fast_bdf.c), made on first use.  A segment it fails
   * is redone from its start with CVODES (the fallback). */
  remit__fbdf *fast;
  double *seg_y0;       /* the current segment's start, for the fallback */
  double seg_t0, seg_tstop;
  int use_fast;         /* configured for the fast backend */
  int seg_on_cvodes;    /* the current segment fell back to CVODES */
  long fallbacks;       /* segments redone with CVODES since creation */
};

/* Model right-hand side plus the zero-order inputs active in the segment. */
static int rhs_cb(sunrealtype t, N_Vector y, N_Vector ydot, void *user_data) {
  remit_model *m = user_data;
  double *dy = N_VGetArrayPointer(ydot);
  int rc = m->spec->rhs(t, N_VGetArrayPointer(y), dy, m->p, m->spec->user);
  if (rc == 0 && m->rate_active) {
    const int n = m->spec->n_states;
    for (int i = 0; i < n; i++) {
      dy[i] += m->rate[i];
    }
  }
  return rc;
}

/* The Jacobian into s->jac (column-major): the model's own, or difference
 * quotients by CVODES's rule (cvLsDenseDQJac: increment
 * max(sqrt(uround)|y_j|, min_inc / ewt_j)), so results match CVODES's
 * built-in dense path. */
static int jacobian(remit__solver *s, remit_model *m, sunrealtype t, N_Vector y, N_Vector fy) {
  const int n = s->n;
  if (m->spec->jac) {
    int rc = m->spec->jac(t, N_VGetArrayPointer(y), m->p, s->jac_rowmajor, m->spec->user);
    if (rc != 0) {
      return rc;
    }
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        s->jac[(size_t)j * n + i] = s->jac_rowmajor[(size_t)i * n + j];
      }
    }
    return 0;
  }
  sunrealtype h = 0.0;
  CVodeGetCurrentStep(s->cvode_mem, &h);
  CVodeGetErrWeights(s->cvode_mem, s->ewt);
  const double *ew = N_VGetArrayPointer(s->ewt), *f0 = N_VGetArrayPointer(fy);
  const double *ft = N_VGetArrayPointer(s->ftmp);
  double *yy = N_VGetArrayPointer(y);
  const double uround = SUN_UNIT_ROUNDOFF, srur = sqrt(uround);
  double fnorm = 0.0;
  for (int i = 0; i < n; i++) {
    double v = f0[i] * ew[i];
    fnorm += v * v;
  }
  fnorm = sqrt(fnorm / n);
  const double min_inc = fnorm != 0.0 ? 1000.0 * fabs(h) * uround * n * fnorm : 1.0;
  for (int j = 0; j < n; j++) {
    const double yj = yy[j];
    double inc = fmax(srur * fabs(yj), min_inc / ew[j]);
    yy[j] = yj + inc;
    int rc = rhs_cb(t, y, s->ftmp, m);
    yy[j] = yj;
    if (rc != 0) {
      return rc;
    }
    const double r = 1.0 / inc;
    double *cj = s->jac + (size_t)j * n;
    for (int i = 0; i < n; i++) {
      cj[i] = (ft[i] - f0[i]) * r;
    }
  }
  return 0;
}

/* The dormant states at (y, fy) for the kept Jacobian: exactly zero, with a
 * zero derivative, and a Jacobian row that involves only dormant states (the
 * largest such set; fast_bdf.c's sp_dormant explains why).  Their columns
 * are left out of the other rows of the Newton matrix, so rounding cannot
 * seed an unstable zero solution (the unused CAR-T product of the SLE
 * model).  CVODES's history is not visible here: where a dormant state's
 * history is not zero, the dropped entries only make the Newton matrix an
 * approximation, as any kept matrix is. */
static void dormant_states(remit__solver *s, const double *y, const double *fy) {
  const int n = s->n;
  unsigned char *d = s->dormant;
  for (int i = 0; i < n; i++) {
    d[i] = y[i] == 0.0 && fy[i] == 0.0;
  }
  for (int changed = 1; changed;) {
    changed = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; d[i] && j < n; j++) {
        if (!d[j] && s->jac[(size_t)j * n + i] != 0.0) {
          d[i] = 0; /* row i involves a live state */
          changed = 1;
        }
      }
    }
  }
}

/* The Newton matrix A = I - gamma J in one pass over the kept Jacobian,
 * instead of CVODES's copy-then-scale-then-add (9 % of its time in the
 * peers' profile).  jok says whether the kept J may be reused. */
static int linsys_cb(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix A, sunbooleantype jok,
                     sunbooleantype *jcur, sunrealtype gamma, void *user_data, N_Vector t1,
                     N_Vector t2, N_Vector t3) {
  (void)t1;
  (void)t2;
  (void)t3;
  remit_model *m = user_data;
  remit__solver *s = m->solver;
  const int n = s->n;
  if (!jok) {
    int rc = jacobian(s, m, t, y, fy);
    if (rc != 0) {
      return rc;
    }
    dormant_states(s, N_VGetArrayPointer(y), N_VGetArrayPointer(fy));
    *jcur = SUNTRUE;
  } else {
    *jcur = SUNFALSE;
  }
  double *a = SM_DATA_D(A);
  const double *J = s->jac;
  for (size_t k = 0; k < (size_t)n * n; k++) {
    a[k] = -gamma * J[k];
  }
  for (int j = 0; j < n; j++) {
    if (s->dormant[j]) { /* a dormant column stays in dormant rows only */
      for (int i = 0; i < n; i++) {
        a[(size_t)j * n + i] = s->dormant[i] ? a[(size_t)j * n + i] : 0.0;
      }
    }
  }
  for (int i = 0; i < n; i++) {
    a[(size_t)i * n + i] += 1.0;
  }
  return 0;
}

/* CVODES would print its errors to stderr; the library never prints, so its
 * handler does nothing and the failure is reported through the status. */
static void silent_err_handler(int code, const char *module, const char *function, char *msg,
                               void *user) {
  (void)code;
  (void)module;
  (void)function;
  (void)msg;
  (void)user;
}

static const char *cv_flag_name(int flag) {
  switch (flag) {
    case CV_TOO_MUCH_WORK: return "CV_TOO_MUCH_WORK (max steps reached)";
    case CV_TOO_MUCH_ACC: return "CV_TOO_MUCH_ACC (tolerances too tight)";
    case CV_ERR_FAILURE: return "CV_ERR_FAILURE (repeated error test failures)";
    case CV_CONV_FAILURE: return "CV_CONV_FAILURE (repeated Newton failures)";
    case CV_LSETUP_FAIL: return "CV_LSETUP_FAIL";
    case CV_LSOLVE_FAIL: return "CV_LSOLVE_FAIL";
    case CV_RHSFUNC_FAIL: return "CV_RHSFUNC_FAIL (model returned an error)";
    case CV_REPTD_RHSFUNC_ERR: return "CV_REPTD_RHSFUNC_ERR";
    case CV_UNREC_RHSFUNC_ERR: return "CV_UNREC_RHSFUNC_ERR";
    case CV_FIRST_RHSFUNC_ERR: return "CV_FIRST_RHSFUNC_ERR";
    case CV_ILL_INPUT: return "CV_ILL_INPUT";
    case CV_MEM_FAIL: return "CV_MEM_FAIL";
    default: return "CVODES error";
  }
}

void remit__solver_destroy(remit_context *ctx, remit__solver **sp) {
  if (!sp || !*sp) {
    return;
  }
  remit__solver *s = *sp;
  if (s->cvode_mem) {
    CVodeFree(&s->cvode_mem);
  }
  if (s->LS) {
    SUNLinSolFree(s->LS);
  }
  if (s->A) {
    SUNMatDestroy(s->A);
  }
  if (s->y) {
    N_VDestroy(s->y);
  }
  if (s->atol) {
    N_VDestroy(s->atol);
  }
  if (s->ewt) {
    N_VDestroy(s->ewt);
  }
  if (s->ftmp) {
    N_VDestroy(s->ftmp);
  }
  remit__free(ctx, s->jac);
  remit__free(ctx, s->dormant);
  if (s->sunctx) {
    SUNContext_Free(&s->sunctx);
  }
  remit__free(ctx, s->jac_rowmajor);
  remit__fbdf_destroy(ctx, &s->fast);
  remit__free(ctx, s->seg_y0);
  remit__free(ctx, s);
  *sp = NULL;
}

remit_status remit__solver_create(remit_context *ctx, const remit_model_spec *spec,
                                  remit__solver **out) {
  *out = NULL;
  remit__solver *s = remit__calloc(ctx, 1, sizeof(*s));
  if (!s) {
    return REMIT_ERR_NOMEM;
  }
  s->n = spec->n_states;
  if (SUNContext_Create(NULL, &s->sunctx) != 0) {
    goto fail;
  }
  s->y = N_VNew_Serial(s->n, s->sunctx);
  s->atol = N_VNew_Serial(s->n, s->sunctx);
  s->ewt = N_VNew_Serial(s->n, s->sunctx);
  s->ftmp = N_VNew_Serial(s->n, s->sunctx);
  s->A = SUNDenseMatrix(s->n, s->n, s->sunctx);
  s->jac = remit__calloc(ctx, (size_t)s->n * (size_t)s->n, sizeof(double));
  s->dormant = remit__calloc(ctx, (size_t)s->n, 1);
  s->cvode_mem = CVodeCreate(CV_BDF, s->sunctx);
  if (!s->y || !s->atol || !s->ewt || !s->ftmp || !s->A || !s->jac || !s->dormant ||
      !s->cvode_mem) {
    goto fail;
  }
  s->LS = remit__dense_lu_create(s->n, s->sunctx);
  if (!s->LS) {
    goto fail;
  }
  N_VConst(0.0, s->y);
  N_VConst(1e-6, s->atol);
  if (CVodeSetErrHandlerFn(s->cvode_mem, silent_err_handler, NULL) != CV_SUCCESS ||
      CVodeInit(s->cvode_mem, rhs_cb, 0.0, s->y) != CV_SUCCESS ||
      CVodeSVtolerances(s->cvode_mem, 1e-6, s->atol) != CV_SUCCESS ||
      CVodeSetLinearSolver(s->cvode_mem, s->LS, s->A) != CV_SUCCESS ||
      CVodeSetLinSysFn(s->cvode_mem, linsys_cb) != CV_SUCCESS) {
    goto fail;
  }
  if (spec->jac) {
    s->jac_rowmajor = remit__calloc(ctx, (size_t)s->n * (size_t)s->n, sizeof(double));
    if (!s->jac_rowmajor) {
      goto fail;
    }
  }
  *out = s;
  return REMIT_OK;
fail:
  remit__solver_destroy(ctx, &s);
  return REMIT_ERROR(ctx, REMIT_ERR_NOMEM, "could not set up CVODES for model %s", spec->name);
}

remit_status remit__solver_configure(remit__solver *s, remit_model *m, const remit_sim_options *o) {
  const double *scale = m->spec->atol_scale;
  double *a = N_VGetArrayPointer(s->atol);
  for (int i = 0; i < s->n; i++) {
    a[i] = o->atol * (scale ? scale[i] : 1.0);
  }
  if (CVodeSetUserData(s->cvode_mem, m) != CV_SUCCESS ||
      CVodeSVtolerances(s->cvode_mem, o->rtol, s->atol) != CV_SUCCESS ||
      CVodeSetMaxNumSteps(s->cvode_mem, o->max_steps) != CV_SUCCESS) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_ARG, "CVODES rejected rtol %g / atol %g / max_steps %ld",
                       o->rtol, o->atol, o->max_steps);
  }
  s->use_fast = o->solver == REMIT_SOLVER_FAST;
  if (s->use_fast && !s->fast) {
    s->fast = remit__fbdf_create(m->ctx, s->n);
    s->seg_y0 = remit__calloc(m->ctx, (size_t)s->n, sizeof(double));
    if (!s->fast || !s->seg_y0) {
      remit__fbdf_destroy(m->ctx, &s->fast);
      return REMIT_ERROR(m->ctx, REMIT_ERR_NOMEM, "could not set up the fast solver");
    }
  }
  if (s->use_fast) {
    remit__fbdf_configure(s->fast, o->rtol, a, o->max_steps);
  }
  return REMIT_OK;
}

remit_status remit__solver_start(remit__solver *s, remit_model *m, double t0, const double *y0,
                                 double t_stop) {
  if (s->use_fast) {
    memcpy(s->seg_y0, y0, sizeof(double) * (size_t)s->n);
    s->seg_t0 = t0;
    s->seg_tstop = t_stop;
    s->seg_on_cvodes = 0;
    remit__fbdf_start(s->fast, m, t0, y0, t_stop);
    return REMIT_OK;
  }
  memcpy(N_VGetArrayPointer(s->y), y0, sizeof(double) * (size_t)s->n);
  if (CVodeReInit(s->cvode_mem, t0, s->y) != CV_SUCCESS ||
      CVodeSetStopTime(s->cvode_mem, t_stop) != CV_SUCCESS) {
    return REMIT_ERROR(m->ctx, REMIT_ERR_SOLVER, "CVODES could not restart at day %g", t0);
  }
  return REMIT_OK;
}

remit_status remit__solver_advance(remit__solver *s, remit_model *m, double tout, double *y) {
  if (s->use_fast && !s->seg_on_cvodes) {
    if (remit__fbdf_advance(s->fast, m, tout, y) == REMIT__FBDF_OK) {
      return REMIT_OK;
    }
    /* Fallback: redo this segment from its start with CVODES.  Rows already
     * written in it passed the fast solver's error test and are kept. */
    s->fallbacks++;
    s->seg_on_cvodes = 1;
    memcpy(N_VGetArrayPointer(s->y), s->seg_y0, sizeof(double) * (size_t)s->n);
    if (CVodeReInit(s->cvode_mem, s->seg_t0, s->y) != CV_SUCCESS ||
        CVodeSetStopTime(s->cvode_mem, s->seg_tstop) != CV_SUCCESS) {
      return REMIT_ERROR(m->ctx, REMIT_ERR_SOLVER, "CVODES could not restart at day %g",
                         s->seg_t0);
    }
  }
  sunrealtype t = tout;
  int flag = CVode(s->cvode_mem, tout, s->y, &t, CV_NORMAL);
  if (flag < 0) {
    sunrealtype tcur = t;
    CVodeGetCurrentTime(s->cvode_mem, &tcur);
    int model_failed = flag == CV_RHSFUNC_FAIL || flag == CV_REPTD_RHSFUNC_ERR ||
                       flag == CV_UNREC_RHSFUNC_ERR || flag == CV_FIRST_RHSFUNC_ERR;
    return REMIT_ERROR(m->ctx, model_failed ? REMIT_ERR_MODEL : REMIT_ERR_SOLVER,
                       "model %s: solver stopped at day %.6g: %s", m->spec->name, tcur,
                       cv_flag_name(flag));
  }
  memcpy(y, N_VGetArrayPointer(s->y), sizeof(double) * (size_t)s->n);
  return REMIT_OK;
}

void remit__solver_add_stats(remit__solver *s, remit_sim_stats *st) {
  if (s->use_fast) {
    remit__fbdf_add_stats(s->fast, st); /* a failed attempt's work counts too */
    if (!s->seg_on_cvodes) {
      return;
    }
    st->segments -= 1;
  }
  long v = 0;
  CVodeGetNumSteps(s->cvode_mem, &v);
  st->steps += v;
  CVodeGetNumRhsEvals(s->cvode_mem, &v);
  st->rhs_evals += v;
  CVodeGetNumLinRhsEvals(s->cvode_mem, &v);
  st->rhs_evals += v;
  CVodeGetNumJacEvals(s->cvode_mem, &v);
  st->jac_evals += v;
  CVodeGetNumLinSolvSetups(s->cvode_mem, &v);
  st->lin_setups += v;
  CVodeGetNumErrTestFails(s->cvode_mem, &v);
  st->err_fails += v;
  CVodeGetNumNonlinSolvConvFails(s->cvode_mem, &v);
  st->conv_fails += v;
  st->segments += 1;
}

long remit__solver_fallbacks(const remit__solver *s) { return s->fallbacks; }

void remit__solver_inject_fast_failures(remit__solver *s, int count) {
  if (s->fast) {
    remit__fbdf_inject_failures(s->fast, count);
  }
}
