/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-wizard-model.h: what the user has entered in the wizard so far, shared by its pages. */
#pragma once

#include <glib-object.h>

#include "core/mts-export.h"
#include "core/mts-policy.h"

G_BEGIN_DECLS

#define MTS_TYPE_WIZARD_MODEL (mts_wizard_model_get_type ())

G_DECLARE_FINAL_TYPE (MtsWizardModel, mts_wizard_model, MTS, WIZARD_MODEL, GObject)

MtsWizardModel           *mts_wizard_model_new                 (const char        *domain);
void                mts_wizard_model_freeze       (MtsWizardModel          *self);
void                mts_wizard_model_thaw         (MtsWizardModel          *self);
const char         *mts_wizard_model_get_domain          (MtsWizardModel          *self);

void                mts_wizard_model_set_dns_mx          (MtsWizardModel          *self,
                                                   const char *const *hosts,
                                                   const guint16     *preferences);
gboolean            mts_wizard_model_get_dns_known       (MtsWizardModel          *self);
const char *const  *mts_wizard_model_get_dns_mx          (MtsWizardModel          *self);
int                 mts_wizard_model_get_dns_preference  (MtsWizardModel          *self,
                                                   const char        *host);

const char *const  *mts_wizard_model_get_patterns        (MtsWizardModel          *self);
void                mts_wizard_model_set_patterns        (MtsWizardModel          *self,
                                                   const char *const *patterns);
gboolean            mts_wizard_model_add_pattern         (MtsWizardModel          *self,
                                                   const char        *pattern);
void                mts_wizard_model_remove_pattern      (MtsWizardModel          *self,
                                                   const char        *pattern);
gboolean            mts_wizard_model_replace_pattern     (MtsWizardModel          *self,
                                                   const char        *old_pattern,
                                                   const char        *new_pattern);

MtsPolicyMode       mts_wizard_model_get_mode            (MtsWizardModel          *self);
void                mts_wizard_model_set_mode            (MtsWizardModel          *self,
                                                   MtsPolicyMode      mode);
guint32             mts_wizard_model_get_max_age         (MtsWizardModel          *self);
void                mts_wizard_model_set_max_age         (MtsWizardModel          *self,
                                                   guint32            max_age);

const char *const  *mts_wizard_model_get_rua             (MtsWizardModel          *self);
void                mts_wizard_model_set_rua             (MtsWizardModel          *self,
                                                   const char *const *rua);

const char         *mts_wizard_model_get_id              (MtsWizardModel          *self);
void                mts_wizard_model_set_id              (MtsWizardModel          *self,
                                                   const char        *id);
guint               mts_wizard_model_get_ttl             (MtsWizardModel          *self);
void                mts_wizard_model_set_ttl             (MtsWizardModel          *self,
                                                   guint              ttl);

MtsSetup           *mts_wizard_model_build_setup  (MtsWizardModel          *self);
MtsPolicy          *mts_wizard_model_build_policy        (MtsWizardModel          *self);
char               *mts_wizard_model_dup_policy_text     (MtsWizardModel          *self);
GPtrArray          *mts_wizard_model_check_policy        (MtsWizardModel          *self);
GPtrArray          *mts_wizard_model_check_coverage      (MtsWizardModel          *self);
GPtrArray          *mts_wizard_model_check_rua           (MtsWizardModel          *self);
char               *mts_wizard_model_dup_sts_record      (MtsWizardModel          *self);
char               *mts_wizard_model_dup_tlsrpt_record   (MtsWizardModel          *self);

G_END_DECLS
