/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-txt-record.h: the _mta-sts and _smtp._tls TXT records: check, classify, generate. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Which of the two records a value is meant to be. */
typedef enum
{
  MTS_TXT_KIND_STS,     /* _mta-sts.DOMAIN, RFC 8461 §3.1 */
  MTS_TXT_KIND_TLSRPT,  /* _smtp._tls.DOMAIN, RFC 8460 §3 */
} MtsTxtKind;

/* An unknown key=value field: senders ignore it (RFC 8461 §3.1, RFC 8460 §3). */
typedef struct
{
  char *name;
  char *value;
} MtsTxtExtension;

/* A record that a strict sender accepts. */
typedef struct
{
  MtsTxtKind kind;
  /* MTS_TXT_KIND_STS: the policy id, 1-32 letters or digits. */
  char *id;
  /* MTS_TXT_KIND_TLSRPT: the rua URIs as written (still percent-encoded). */
  GStrv rua;
  /* MtsTxtExtension, in the order written. */
  GPtrArray *extensions;
} MtsTxtRecord;

/* What a TXT value looks like, whatever name it was found at. */
typedef enum
{
  MTS_TXT_CLASS_EMPTY,
  MTS_TXT_CLASS_STS,      /* begins like an MTA-STS record (v=STSv1 in any spelling) */
  MTS_TXT_CLASS_TLSRPT,   /* begins like a TLS reporting record (v=TLSRPTv1) */
  MTS_TXT_CLASS_SPF,      /* v=spf1 */
  MTS_TXT_CLASS_DMARC,    /* v=DMARC1 */
  MTS_TXT_CLASS_DKIM,     /* v=DKIM1, or a bare k=/p= key record */
  MTS_TXT_CLASS_OTHER,    /* site verification tokens and everything else */
} MtsTxtClass;

/* Where, relative to the mail domain D, a TXT record was found. */
typedef enum
{
  MTS_TXT_PLACE_MTA_STS,      /* _mta-sts.D: where the MTA-STS record belongs */
  MTS_TXT_PLACE_SMTP_TLS,     /* _smtp._tls.D: where the TLS reporting record belongs */
  MTS_TXT_PLACE_SMTP_TCP,     /* _smtp._tcp.D: a common misspelling of _smtp._tls */
  MTS_TXT_PLACE_TLSRPT,       /* _tlsrpt.D: a name senders never query */
  MTS_TXT_PLACE_SMTP_TLSRPT,  /* _smtp-tlsrpt.D: likewise */
  MTS_TXT_PLACE_APEX,         /* D itself */
  MTS_TXT_PLACE_OTHER,        /* any other name */
} MtsTxtPlace;

void          mts_txt_record_free           (MtsTxtRecord      *record);

/* One value; the strings of one record must already be joined.  Findings go
 * to @diagnostics, with `line` the 1-based field number (v= is field 1).
 * Returns: (nullable): the record, or NULL when it has an error. */
MtsTxtRecord *mts_txt_record_parse          (MtsTxtKind         kind,
                                             const char        *value,
                                             GPtrArray         *diagnostics);
/* Every TXT record found at the name, each already joined: the "exactly one
 * record beginning with v=...;" rule of RFC 8461 §3.1 / RFC 8460 §3. */
MtsTxtRecord *mts_txt_record_parse_set      (MtsTxtKind         kind,
                                             const char *const *records,
                                             gssize             n_records,
                                             GPtrArray         *diagnostics);
MtsTxtRecord *mts_txt_record_parse_set_for  (MtsTxtKind         kind,
                                             const char        *domain,
                                             const char *const *records,
                                             gssize             n_records,
                                             GPtrArray         *diagnostics);
/* Joins the character-strings of one TXT record with no separator. */
char         *mts_txt_record_join_strings   (const char *const *strings,
                                             gssize             n_strings);
/* The kind named by the v= prefix, or FALSE when it names neither. */
gboolean      mts_txt_record_guess_kind     (const char        *value,
                                             MtsTxtKind        *kind);
gboolean      mts_txt_record_equal          (const MtsTxtRecord *a,
                                             const MtsTxtRecord *b);

/* Checks one rua URI (percent-encoded as it appears in the record); the
 * diagnostics get @line.  Returns TRUE when it has no error. */
gboolean      mts_tlsrpt_uri_check          (const char        *uri,
                                             guint              line,
                                             GPtrArray         *diagnostics);
/* Percent-encodes the characters that would end or split a rua URI. */
char         *mts_tlsrpt_uri_encode         (const char        *uri);

MtsTxtClass   mts_txt_classify              (const char        *value);
MtsTxtPlace   mts_txt_place_for_name        (const char        *name,
                                             const char        *domain);
const char   *mts_txt_place_prefix          (MtsTxtPlace        place);
char         *mts_txt_describe              (MtsTxtPlace        place,
                                             const char        *domain,
                                             const char        *value,
                                             MtsTxtClass       *out_class);

char         *mts_sts_record_generate       (const char        *id);
char         *mts_tlsrpt_record_generate    (const char *const *rua);
char         *mts_sts_id_generate           (const char        *previous_id);
char         *mts_sts_id_generate_at        (GDateTime         *now,
                                             const char        *previous_id);
gboolean      mts_sts_id_is_valid           (const char        *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtsTxtRecord, mts_txt_record_free)

G_END_DECLS
