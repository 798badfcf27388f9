/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-domain.h: turning what people type into a domain name the DNS knows. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MTS_DOMAIN_ERROR (mts_domain_error_quark ())

typedef enum
{
  MTS_DOMAIN_ERROR_EMPTY,
  MTS_DOMAIN_ERROR_URL,
  MTS_DOMAIN_ERROR_EMAIL,
  MTS_DOMAIN_ERROR_IP_ADDRESS,
  MTS_DOMAIN_ERROR_SINGLE_LABEL,
  MTS_DOMAIN_ERROR_BAD_CHARACTER,
  MTS_DOMAIN_ERROR_EMPTY_LABEL,
  MTS_DOMAIN_ERROR_HYPHEN,
  MTS_DOMAIN_ERROR_LABEL_TOO_LONG,
  MTS_DOMAIN_ERROR_NAME_TOO_LONG,
  MTS_DOMAIN_ERROR_NUMERIC_TLD,
  MTS_DOMAIN_ERROR_IDN,
} MtsDomainError;

GQuark    mts_domain_error_quark       (void);

gboolean  mts_domain_normalize         (const char  *input,
                                        char       **ascii,
                                        char       **display,
                                        GError     **error);
gboolean  mts_hostname_check_ascii     (const char  *name,
                                        GError     **error);

G_END_DECLS
