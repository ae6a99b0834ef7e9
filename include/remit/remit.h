/* SPDX-License-Identifier: MIT
 *
 * remit.h: the umbrella header of remit, an in silico trial platform for
 * cell therapies in lupus.  Include this one header.
 */
#ifndef REMIT_H
#define REMIT_H

#include "remit_context.h"
#include "remit_fit.h"
#include "remit_model.h"
#include "remit_pathway.h"
#include "remit_stats.h"
#include "remit_status.h"
#include "remit_store.h"
#include "remit_trial.h"

#endif /* REMIT_H */
