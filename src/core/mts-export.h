/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-export.h: a complete MTA-STS + TLS-RPT setup, written out for people, DNS panels and web servers. */
#pragma once

#include <glib.h>

#include "mts-policy.h"

G_BEGIN_DECLS

/* Everything that one domain publishes.  Fill it with checked values:
 * domain and mx patterns normalised (mts_domain_normalize,
 * mts_mx_pattern_normalize), rua URIs checked (mts_tlsrpt_uri_check on
 * their encoded form), id valid (mts_sts_id_is_valid). */
typedef struct
{
  /* Lower-case A-labels, no trailing dot: "example.com". */
  char *domain;
  /* char *: the policy's mx patterns, in order. */
  GPtrArray *mx;
  MtsPolicyMode mode;
  guint32 max_age;
  /* char *: report addresses, one URI each, not yet percent-encoded; may be empty. */
  GPtrArray *rua;
  char *id;
  /* The TTL of the TXT records, in seconds. */
  guint ttl;

  /* A change to a published setup (RFC 8461 §8.1); both optional. */
  char *previous_id;
  MtsPolicy *previous_policy;

  /* The web server's certificate files for the snippets; NULL: the paths
   * certbot uses for mta-sts.DOMAIN. */
  char *certificate_file;
  char *certificate_key_file;
} MtsSetup;

/* One DNS record to publish. */
typedef struct
{
  /* "TXT". */
  const char *type;
  /* Relative to the domain's zone: "_mta-sts". */
  char *name;
  /* "_mta-sts.example.com", without the trailing dot. */
  char *fqdn;
  /* The whole value, unquoted, as DNS panels take it. */
  char *value;
  guint ttl;
} MtsDnsRecord;

typedef enum
{
  MTS_EXPORT_TEXT,    /* step-by-step instructions */
  MTS_EXPORT_ZONE,    /* BIND zone-file lines */
  MTS_EXPORT_CSV,     /* type,name,fqdn,value,ttl */
  MTS_EXPORT_JSON,    /* records, policy text and URL */
  MTS_EXPORT_POLICY,  /* the mta-sts.txt file itself */
  MTS_EXPORT_NGINX,
  MTS_EXPORT_APACHE,
  MTS_EXPORT_CADDY,
  MTS_EXPORT_STATIC,  /* a checklist for static hosting (GitHub Pages, Netlify, ...) */
} MtsExportFormat;

#define MTS_SETUP_DEFAULT_TTL 3600

MtsSetup     *mts_setup_new                  (void);
void          mts_setup_free                 (MtsSetup           *setup);
MtsPolicy    *mts_setup_get_policy           (const MtsSetup     *setup);
char         *mts_setup_get_policy_host      (const MtsSetup     *setup);
char         *mts_setup_get_policy_url       (const MtsSetup     *setup);
GPtrArray    *mts_setup_get_records          (const MtsSetup     *setup);

void          mts_dns_record_free            (MtsDnsRecord       *record);

gboolean      mts_export_format_from_string  (const char         *string,
                                              MtsExportFormat    *format);
const char   *mts_export_format_to_string    (MtsExportFormat     format);
char         *mts_export                     (const MtsSetup     *setup,
                                              MtsExportFormat     format);

char         *mts_export_zone_txt_rdata      (const char         *value);
char         *mts_export_csv_field           (const char         *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsSetup, mts_setup_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsDnsRecord, mts_dns_record_free)

G_END_DECLS
