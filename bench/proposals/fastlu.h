/* prototype: a leaner dense LU SUNLinearSolver (column-major, in place, partial pivoting) */
#include <stdlib.h>
#include <math.h>
#include <sundials/sundials_linearsolver.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <nvector/nvector_serial.h>
typedef struct { sunindextype *piv; double *rdiag; int n; sunindextype last; } flu_c;
#define FLU(S) ((flu_c *)(S)->content)
static SUNLinearSolver_Type flu_type(SUNLinearSolver S){(void)S;return SUNLINEARSOLVER_DIRECT;}
static SUNLinearSolver_ID flu_id(SUNLinearSolver S){(void)S;return SUNLINEARSOLVER_CUSTOM;}
static int flu_init(SUNLinearSolver S){FLU(S)->last=0;return SUNLS_SUCCESS;}
static int flu_setup(SUNLinearSolver S, SUNMatrix A){
  flu_c *c=FLU(S); const int n=c->n; double *restrict a=SM_DATA_D(A);
  for(int k=0;k<n;k++){
    double *restrict ck=a+(size_t)k*n;
    int p=k; double amax=fabs(ck[k]);
    for(int i=k+1;i<n;i++){double v=fabs(ck[i]); if(v>amax){amax=v;p=i;}}
    c->piv[k]=p;
    if(amax==0.0){c->last=k+1;return (int)(k+1);}
    if(p!=k) for(int j=0;j<n;j++){double *cj=a+(size_t)j*n; double t=cj[k]; cj[k]=cj[p]; cj[p]=t;}
    const double r=1.0/ck[k]; c->rdiag[k]=r;
    for(int i=k+1;i<n;i++) ck[i]*=r;
    for(int j=k+1;j<n;j++){double *restrict cj=a+(size_t)j*n; const double akj=cj[k]; if(akj!=0.0) for(int i=k+1;i<n;i++) cj[i]-=ck[i]*akj;}
  }
  c->last=0; return SUNLS_SUCCESS;
}
static int flu_solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b, double tol){
  (void)tol; flu_c *c=FLU(S); const int n=c->n; const double *restrict a=SM_DATA_D(A);
  double *restrict v=N_VGetArrayPointer(x); const double *bb=N_VGetArrayPointer(b);
  if(v!=bb) for(int i=0;i<n;i++) v[i]=bb[i];
  for(int k=0;k<n;k++){sunindextype p=c->piv[k]; if(p!=k){double t=v[k];v[k]=v[p];v[p]=t;}}
  for(int k=0;k<n-1;k++){const double bk=v[k]; if(bk!=0.0){const double *ck=a+(size_t)k*n; for(int i=k+1;i<n;i++) v[i]-=ck[i]*bk;}}
  for(int k=n-1;k>=0;k--){v[k]*=c->rdiag[k]; const double bk=v[k]; if(bk!=0.0){const double *ck=a+(size_t)k*n; for(int i=0;i<k;i++) v[i]-=ck[i]*bk;}}
  c->last=0; return SUNLS_SUCCESS;
}
static sunindextype flu_lastflag(SUNLinearSolver S){return FLU(S)->last;}
static int flu_free(SUNLinearSolver S){ if(!S) return 0; if(S->content){free(FLU(S)->piv);free(FLU(S)->rdiag);free(S->content);S->content=NULL;} SUNLinSolFreeEmpty(S); return 0;}
static SUNLinearSolver flu_new(int n, SUNContext ctx){
  SUNLinearSolver S=SUNLinSolNewEmpty(ctx); if(!S) return NULL;
  S->ops->gettype=flu_type; S->ops->getid=flu_id; S->ops->initialize=flu_init; S->ops->setup=flu_setup;
  S->ops->solve=flu_solve; S->ops->lastflag=flu_lastflag; S->ops->free=flu_free;
  flu_c *c=calloc(1,sizeof *c); c->n=n; c->piv=calloc(n,sizeof(sunindextype)); c->rdiag=calloc(n,sizeof(double)); S->content=c; return S;
}
