/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-policy.h: the MTA-STS policy file (RFC 8461 §3.2): parse, check, write. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* RFC 8461 §3.2: "plaintext non-negative integer seconds, maximum value of
 * 31557600". */
#define MTS_POLICY_MAX_AGE_MAX 31557600u
/* RFC 8461 §3.3: "a suggested maximum policy size is 64 kilobytes". */
#define MTS_POLICY_MAX_SIZE (64 * 1024)

typedef enum
{
  MTS_POLICY_MODE_NONE,
  MTS_POLICY_MODE_TESTING,
  MTS_POLICY_MODE_ENFORCE,
} MtsPolicyMode;

/* A key the policy does not define, kept in file order. */
typedef struct
{
  char *key;
  char *value;
} MtsPolicyExtension;

typedef struct
{
  /* "STSv1", or NULL when the file has no version line. */
  char *version;
  MtsPolicyMode mode;
  gboolean has_mode;
  guint32 max_age;
  gboolean has_max_age;
  /* char *, in file order: "mail.example.com", "*.example.net". */
  GPtrArray *mx;
  /* MtsPolicyExtension *, in file order. */
  GPtrArray *extensions;
} MtsPolicy;

#define MTS_TYPE_POLICY (mts_policy_get_type ())

GType          mts_policy_get_type           (void) G_GNUC_CONST;

const char    *mts_policy_mode_to_string     (MtsPolicyMode        mode);
gboolean       mts_policy_mode_from_string   (const char          *string,
                                              MtsPolicyMode       *mode);
void           mts_policy_max_age_advice     (MtsPolicyMode        mode,
                                              guint32             *min,
                                              guint32             *max);

MtsPolicy     *mts_policy_new                (void);
MtsPolicy     *mts_policy_copy               (const MtsPolicy     *policy);
void           mts_policy_free               (MtsPolicy           *policy);
gboolean       mts_policy_equal              (const MtsPolicy     *a,
                                              const MtsPolicy     *b);
void           mts_policy_set_mode           (MtsPolicy           *policy,
                                              MtsPolicyMode        mode);
void           mts_policy_set_max_age        (MtsPolicy           *policy,
                                              guint32              max_age);
void           mts_policy_add_mx             (MtsPolicy           *policy,
                                              const char          *pattern);
void           mts_policy_add_extension      (MtsPolicy           *policy,
                                              const char          *key,
                                              const char          *value);

MtsPolicy     *mts_policy_parse              (const char          *text,
                                              gssize               length,
                                              GPtrArray           *diagnostics);
char          *mts_policy_serialize          (const MtsPolicy     *policy);
void           mts_policy_check_advice       (const MtsPolicy     *policy,
                                              GPtrArray           *diagnostics);
void           mts_policy_check_mx           (const MtsPolicy     *policy,
                                              const char *const   *mx_hosts,
                                              GPtrArray           *diagnostics);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsPolicy, mts_policy_free)

G_END_DECLS
