/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-publish-page.h: the Publish step: the policy file and the two records, to copy or export. */
#pragma once

#include <adwaita.h>

#include "core/mts-project.h"
#include "net/mts-audit.h"
#include "mts-wizard-model.h"

G_BEGIN_DECLS

/* What Verify publication found for one of the three things. */
typedef enum
{
  MTS_PUBLICATION_UNKNOWN,     /* not verified yet */
  MTS_PUBLICATION_MATCHING,    /* published, and exactly what the wizard generated */
  MTS_PUBLICATION_DIFFERENT,   /* published, but not what the wizard generated */
  MTS_PUBLICATION_MISSING,     /* not published, or not readable by senders */
} MtsPublication;

#define MTS_TYPE_PUBLISH_PAGE (mts_publish_page_get_type ())

G_DECLARE_FINAL_TYPE (MtsPublishPage, mts_publish_page, MTS, PUBLISH_PAGE, AdwBin)

void           mts_publish_page_set_model        (MtsPublishPage       *self,
                                                  MtsWizardModel       *model);
void           mts_publish_page_set_audit        (MtsPublishPage       *self,
                                                  const MtsAuditResult *result);
MtsPublication mts_publish_page_get_publication  (MtsPublishPage       *self,
                                                  MtsPublished          what);
void           mts_publish_page_set_verify_message (MtsPublishPage     *self,
                                                  const char           *message,
                                                  gboolean              is_error);
void           mts_publish_page_export_async     (MtsPublishPage       *self,
                                                  GFile                *folder,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean       mts_publish_page_export_finish    (MtsPublishPage       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
