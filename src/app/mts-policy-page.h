/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-policy-page.h: the Policy step: mode, max_age, and the file as it will be published. */
#pragma once

#include <adwaita.h>

#include "mts-wizard-model.h"

G_BEGIN_DECLS

#define MTS_TYPE_POLICY_PAGE (mts_policy_page_get_type ())

G_DECLARE_FINAL_TYPE (MtsPolicyPage, mts_policy_page, MTS, POLICY_PAGE, AdwBin)

void mts_policy_page_set_model (MtsPolicyPage *self,
                                MtsWizardModel      *model);

G_END_DECLS
