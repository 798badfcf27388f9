/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-welcome-page.h: the first page: what the wizard does, and the domain. */
#pragma once

#include <adwaita.h>

#include "core/mts-project-store.h"

G_BEGIN_DECLS

#define MTS_TYPE_WELCOME_PAGE (mts_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (MtsWelcomePage, mts_welcome_page, MTS, WELCOME_PAGE, AdwBin)

const char *mts_welcome_page_get_domain   (MtsWelcomePage *self);
void        mts_welcome_page_set_projects (MtsWelcomePage *self,
                                           GPtrArray      *summaries);
void        mts_welcome_page_load_projects (MtsWelcomePage  *self,
                                            MtsProjectStore *store);
void        mts_welcome_page_show_error   (MtsWelcomePage *self,
                                           const char     *message);

G_END_DECLS
