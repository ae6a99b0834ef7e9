/* SPDX-License-Identifier: MIT
 *
 * dense_lu.h: a dense direct SUNLinearSolver for small systems.
 *
 * SUNDIALS's SUNLinSol_Dense goes through its generic SUNDlsMat kernels; for
 * the 20-60 states of a patient model those kernels' overhead, not the
 * arithmetic, dominates (the peers' profile: 26 % of CVODE's time in the
 * back-solve).  This solver factors in place with partial pivoting and
 * stores reciprocal pivots, so a solve is two triangular sweeps with no
 * division.  Same algorithm as LAPACK dgetrf/dgetrs (right-looking,
 * column-major), same numerical behaviour.
 */
#ifndef REMIT_DENSE_LU_H
#define REMIT_DENSE_LU_H

#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>

/* A solver for n×n SUNDenseMatrix systems; free with SUNLinSolFree. */
SUNLinearSolver remit__dense_lu_create(int n, SUNContext sunctx);

#endif /* REMIT_DENSE_LU_H */
