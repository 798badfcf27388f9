/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-reporting-page.h: the Reports step: where TLS reports go, and the _smtp._tls record. */
#pragma once

#include <adwaita.h>

#include "mts-wizard-model.h"

G_BEGIN_DECLS

#define MTS_TYPE_REPORTING_PAGE (mts_reporting_page_get_type ())

G_DECLARE_FINAL_TYPE (MtsReportingPage, mts_reporting_page, MTS, REPORTING_PAGE, AdwBin)

void mts_reporting_page_set_model (MtsReportingPage *self,
                                   MtsWizardModel         *model);

G_END_DECLS
