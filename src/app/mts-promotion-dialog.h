/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-promotion-dialog.h: a switch of mode (enforce, back to testing, removal), step by step. */
#pragma once

#include <adwaita.h>

#include "core/mts-project.h"
#include "core/mts-readiness.h"

G_BEGIN_DECLS

#define MTS_TYPE_PROMOTION_DIALOG (mts_promotion_dialog_get_type ())

G_DECLARE_FINAL_TYPE (MtsPromotionDialog, mts_promotion_dialog, MTS, PROMOTION_DIALOG, AdwWindow)

MtsPromotionDialog *mts_promotion_dialog_new            (GtkWindow          *parent,
                                                         MtsProject         *project,
                                                         MtsPromotionKind    kind,
                                                         GError            **error);
const MtsPromotion *mts_promotion_dialog_get_pending    (MtsProject         *project);
const char         *mts_promotion_kind_title            (MtsPromotionKind    kind);

/* For the tests. */
const MtsPromotion *_mts_promotion_dialog_get_promotion (MtsPromotionDialog *self);
void                _mts_promotion_dialog_update        (MtsPromotionDialog *self);
gboolean            _mts_promotion_dialog_is_applied    (MtsPromotionDialog *self);
GtkLabel           *_mts_promotion_dialog_get_policy_label (MtsPromotionDialog *self);
GtkListBox         *_mts_promotion_dialog_get_steps     (MtsPromotionDialog *self);
GtkListBox         *_mts_promotion_dialog_get_record    (MtsPromotionDialog *self);
GtkLabel           *_mts_promotion_dialog_get_status    (MtsPromotionDialog *self);

G_END_DECLS
