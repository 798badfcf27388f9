/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-application.h: the wizard's AdwApplication. */
#pragma once

#include <adwaita.h>

#include "core/mts-readiness.h"
#include "net/mts-resolver.h"

G_BEGIN_DECLS

#define MTS_TYPE_APPLICATION (mts_application_get_type ())

G_DECLARE_FINAL_TYPE (MtsApplication, mts_application, MTS, APPLICATION, AdwApplication)

MtsApplication *mts_application_new  (void);
MtsResolver    *mts_application_get_resolver (MtsApplication *self);
char           *mts_application_dup_ca_file  (MtsApplication *self);
GSettings      *mts_application_get_settings (MtsApplication *self);
void            mts_application_get_readiness_thresholds (MtsApplication         *self,
                                                          MtsReadinessThresholds *thresholds);
void            mts_application_get_current_readiness_thresholds (MtsReadinessThresholds *thresholds);
int             mts_application_main (int    argc,
                                      char **argv);

G_END_DECLS
