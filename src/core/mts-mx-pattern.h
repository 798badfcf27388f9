/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-mx-pattern.h: the "mx" patterns of a policy and how they match MX hosts (RFC 8461 §4.1). */
#pragma once

#include <glib.h>

#include "mts-policy.h"

G_BEGIN_DECLS

#define MTS_MX_PATTERN_ERROR (mts_mx_pattern_error_quark ())

typedef enum
{
  MTS_MX_PATTERN_ERROR_EMPTY,
  /* "192.0.2.1", "[192.0.2.1]": MX records name hosts, never addresses. */
  MTS_MX_PATTERN_ERROR_IP_ADDRESS,
  /* "*.*.example", "**.example", "mx*.example", "*", "mail.*.example". */
  MTS_MX_PATTERN_ERROR_WILDCARD,
  /* "*.com": one label after "*.", matching hosts of every domain in a TLD. */
  MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD,
  /* "localhost": a single label. */
  MTS_MX_PATTERN_ERROR_SINGLE_LABEL,
  MTS_MX_PATTERN_ERROR_UNDERSCORE,
  /* A space, comma, slash or other character no host name has. */
  MTS_MX_PATTERN_ERROR_BAD_CHARACTER,
  /* Several hosts on one line: "a.example b.example", "a.example,b.example". */
  MTS_MX_PATTERN_ERROR_SEVERAL,
  MTS_MX_PATTERN_ERROR_EMPTY_LABEL,
  MTS_MX_PATTERN_ERROR_HYPHEN,
  MTS_MX_PATTERN_ERROR_TOO_LONG,
  MTS_MX_PATTERN_ERROR_NUMERIC_TLD,
  /* Only from mts_mx_pattern_validate(): normalising removes them. */
  MTS_MX_PATTERN_ERROR_TRAILING_DOT,
  MTS_MX_PATTERN_ERROR_NON_ASCII,
  /* An international name that has no A-label form. */
  MTS_MX_PATTERN_ERROR_IDN,
} MtsMxPatternError;

GQuark    mts_mx_pattern_error_quark    (void);

gboolean  mts_mx_pattern_normalize      (const char         *input,
                                         char              **pattern,
                                         GError            **error);
gboolean  mts_mx_pattern_validate       (const char         *pattern,
                                         GError            **error);
gboolean  mts_mx_pattern_is_wildcard    (const char         *pattern);
gboolean  mts_mx_pattern_matches        (const char         *pattern,
                                         const char         *host);
gboolean  mts_mx_pattern_list_covers    (const char *const  *patterns,
                                         const char         *host);
void      mts_mx_coverage_check         (MtsPolicyMode       mode,
                                         const char *const  *patterns,
                                         const char *const  *mx_hosts,
                                         GPtrArray          *diagnostics);

G_END_DECLS
