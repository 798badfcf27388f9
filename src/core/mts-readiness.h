/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-readiness.h: is a domain ready for enforce? The checklist, and the safe ways to switch modes. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "mts-project.h"

G_BEGIN_DECLS

/* The thresholds; the wizard keeps them as settings. */
typedef struct
{
  guint testing_days;          /* testing policy verified live this long: 14 */
  guint min_reporters;         /* reports from this many organizations: 2 */
  guint min_report_days;       /* on this many different days: 7 */
  guint recent_days;           /* no TLS failure in this many last days: 7 */
  double max_other_failures;   /* other failures, as a share of sessions: 0.001 */
  guint cert_min_days;         /* policy host certificate valid this much longer: 30 */
} MtsReadinessThresholds;

typedef enum
{
  MTS_READINESS_MET,
  MTS_READINESS_NOT_MET,
  MTS_READINESS_UNKNOWN,
} MtsReadinessStatus;

typedef struct
{
  /* Stable: "testing-live", "reports", "no-tls-failures", "mx-probes",
   * "mx-coverage", "policy-certificate". */
  const char *id;
  char *title;       /* translated */
  MtsReadinessStatus status;
  char *evidence;    /* translated: what was seen, and what is missing */
} MtsReadinessItem;

typedef struct
{
  GPtrArray *items;  /* MtsReadinessItem */
  gboolean ready;
} MtsReadiness;

typedef enum
{
  MTS_PROMOTION_ENFORCE,   /* testing -> enforce (RFC 8461 §8.1 order) */
  MTS_PROMOTION_TESTING,   /* back to testing */
  MTS_PROMOTION_REMOVE,    /* mode none, then removal (RFC 8461 §8.3) */
} MtsPromotionKind;

typedef struct
{
  const char *id;    /* "publish-policy", "verify-policy", "publish-record", "verify-record",
                      * "wait", "remove" */
  char *title;
  char *detail;
  gboolean done;     /* once a check or the clock showed it done, it stays done */
} MtsPromotionStep;

typedef struct
{
  MtsPromotionKind kind;
  char *domain;
  MtsPolicy *policy;       /* the new policy */
  char *policy_text;       /* as served at https://mta-sts.DOMAIN/.well-known/mta-sts.txt */
  char *previous_id;
  char *id;                /* the new id */
  char *record;            /* "v=STSv1; id=ID" */
  guint32 old_max_age;
  /* Removal: when the last policy senders may still cache expires; set by
   * the first check that sees mode none served (NULL until then). */
  GDateTime *wait_until;
  /* Translated: what the last check saw differ from the new policy, or NULL. */
  char *check_problem;
  char *advice;            /* translated */
  GPtrArray *steps;        /* MtsPromotionStep, in order */
  GDateTime *started;
} MtsPromotion;

const char   *mts_readiness_status_to_string  (MtsReadinessStatus            status);
void          mts_readiness_thresholds_init   (MtsReadinessThresholds       *thresholds);
MtsReadiness *mts_readiness_evaluate          (MtsProject                   *project,
                                               const MtsReadinessThresholds *thresholds,
                                               GDateTime                    *now);
void          mts_readiness_free              (MtsReadiness                 *readiness);
void          mts_readiness_to_json           (const MtsReadiness           *readiness,
                                               JsonBuilder                  *builder);

MtsPromotion *mts_promotion_new               (MtsProject                   *project,
                                               MtsPromotionKind              kind,
                                               GDateTime                    *now,
                                               GError                      **error);
MtsPromotion *mts_promotion_new_from_switch   (MtsProject                   *project,
                                               GDateTime                    *now,
                                               GError                      **error);
MtsProjectSwitch *mts_promotion_to_switch     (const MtsPromotion           *promotion,
                                               gboolean                      applied);
const char   *mts_promotion_kind_to_string    (MtsPromotionKind              kind);
gboolean      mts_promotion_kind_from_string  (const char                   *string,
                                               MtsPromotionKind             *kind);
void          mts_promotion_apply             (MtsPromotion                 *promotion,
                                               MtsProject                   *project,
                                               GDateTime                    *now);
void          mts_promotion_check             (MtsPromotion                 *promotion,
                                               MtsProject                   *project,
                                               GDateTime                    *now);
gboolean      mts_promotion_is_done           (const MtsPromotion           *promotion);
void          mts_promotion_finish            (MtsPromotion                 *promotion,
                                               MtsProject                   *project,
                                               GDateTime                    *now);
void          mts_promotion_free              (MtsPromotion                 *promotion);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsReadiness, mts_readiness_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsPromotion, mts_promotion_free)

G_END_DECLS
