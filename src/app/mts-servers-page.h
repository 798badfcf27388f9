/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-servers-page.h: the Mail servers step: the hosts the policy names, and their coverage. */
#pragma once

#include <adwaita.h>

#include "mts-wizard-model.h"

G_BEGIN_DECLS

#define MTS_TYPE_SERVERS_PAGE (mts_servers_page_get_type ())

G_DECLARE_FINAL_TYPE (MtsServersPage, mts_servers_page, MTS, SERVERS_PAGE, AdwBin)

void mts_servers_page_set_model (MtsServersPage *self,
                                 MtsWizardModel       *model);

G_END_DECLS
