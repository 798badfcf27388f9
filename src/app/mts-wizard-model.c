/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-wizard-model.c: what the user has entered in the wizard so far, shared by its pages.
 *
 * The pages edit one MtsWizardModel and listen to its ::changed signal, so that a
 * host added on the Mail servers page shows up at once in the policy preview
 * and on Publish.  Everything it computes (the policy, the records, the
 * checks) comes from the core library: this object only holds the inputs.
 */
#include "config.h"

#include "core/mts-mx-pattern.h"
#include "core/mts-txt-record.h"
#include "core/mts-diagnostic.h"
#include "mts-wizard-model.h"

struct _MtsWizardModel
{
  GObject parent_instance;

  char *domain;

  /* The MX hosts found in DNS, and their preferences; NULL until known. */
  GStrv dns_mx;
  GArray *dns_preferences;

  GStrv patterns;
  MtsPolicyMode mode;
  guint32 max_age;
  GStrv rua;
  char *id;
  guint ttl;

  /* While frozen, changes are collected into one ::changed at the thaw. */
  guint freeze_count;
  gboolean changed_while_frozen;
};

G_DEFINE_FINAL_TYPE (MtsWizardModel, mts_wizard_model, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (MtsWizardModel *self)
{
  if (self->freeze_count > 0)
    {
      self->changed_while_frozen = TRUE;
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * mts_wizard_model_freeze:
 *
 * Holds ::changed back until mts_wizard_model_thaw(), so that setting many
 * values at once (from a project, from what a domain publishes) rebuilds
 * the pages once.
 */
void
mts_wizard_model_freeze (MtsWizardModel *self)
{
  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));

  self->freeze_count++;
}

void
mts_wizard_model_thaw (MtsWizardModel *self)
{
  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));
  g_return_if_fail (self->freeze_count > 0);

  if (--self->freeze_count == 0 && self->changed_while_frozen)
    {
      self->changed_while_frozen = FALSE;
      emit_changed (self);
    }
}

static void
mts_wizard_model_finalize (GObject *object)
{
  MtsWizardModel *self = MTS_WIZARD_MODEL (object);

  g_free (self->domain);
  g_strfreev (self->dns_mx);
  g_clear_pointer (&self->dns_preferences, g_array_unref);
  g_strfreev (self->patterns);
  g_strfreev (self->rua);
  g_free (self->id);

  G_OBJECT_CLASS (mts_wizard_model_parent_class)->finalize (object);
}

static void
mts_wizard_model_class_init (MtsWizardModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mts_wizard_model_finalize;

  /**
   * MtsWizardModel::changed:
   *
   * Any of the values changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mts_wizard_model_init (MtsWizardModel *self)
{
  guint32 min;

  self->patterns = g_new0 (char *, 1);
  self->rua = g_new0 (char *, 1);
  /* A new domain starts in testing (RFC 8461 §5 and the wizard's promise):
   * nothing is refused until the reports show it is safe. */
  self->mode = MTS_POLICY_MODE_TESTING;
  mts_policy_max_age_advice (self->mode, &min, NULL);
  self->max_age = min;
  self->ttl = MTS_SETUP_DEFAULT_TTL;
}

/**
 * mts_wizard_model_new:
 * @domain: the mail domain, already normalised to A-labels
 *
 * Returns: (transfer full): a setup for @domain with a fresh policy id.
 */
MtsWizardModel *
mts_wizard_model_new (const char *domain)
{
  MtsWizardModel *self;

  g_return_val_if_fail (domain != NULL, NULL);

  self = g_object_new (MTS_TYPE_WIZARD_MODEL, NULL);
  self->domain = g_strdup (domain);
  self->id = mts_sts_id_generate (NULL);
  return self;
}

const char *
mts_wizard_model_get_domain (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), NULL);

  return self->domain;
}

/**
 * mts_wizard_model_set_dns_mx:
 * @hosts: (array zero-terminated=1): the MX hosts found in DNS
 * @preferences: (array): their preferences, one per host
 *
 * Records what DNS says.  When the policy has no hosts yet, it starts with
 * these, which is what a first policy should list.
 */
void
mts_wizard_model_set_dns_mx (MtsWizardModel          *self,
                      const char *const *hosts,
                      const guint16     *preferences)
{
  guint n;

  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));
  g_return_if_fail (hosts != NULL);

  n = g_strv_length ((char **) hosts);
  g_strfreev (self->dns_mx);
  self->dns_mx = g_strdupv ((char **) hosts);
  g_clear_pointer (&self->dns_preferences, g_array_unref);
  self->dns_preferences = g_array_sized_new (FALSE, FALSE, sizeof (guint16), n);
  if (preferences != NULL)
    g_array_append_vals (self->dns_preferences, preferences, n);

  if (self->patterns[0] == NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *pattern = NULL;

          /* A null MX (RFC 7505) receives no mail: nothing to list. */
          if (hosts[i][0] == '\0' || g_str_equal (hosts[i], "."))
            continue;
          if (mts_mx_pattern_normalize (hosts[i], &pattern, NULL))
            g_strv_builder_add (builder, pattern);
        }
      g_strfreev (self->patterns);
      self->patterns = g_strv_builder_end (builder);
    }
  emit_changed (self);
}

gboolean
mts_wizard_model_get_dns_known (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), FALSE);

  return self->dns_mx != NULL;
}

/**
 * mts_wizard_model_get_dns_mx:
 *
 * Returns: (nullable) (array zero-terminated=1): the MX hosts found in DNS,
 * or %NULL when they are not known.
 */
const char *const *
mts_wizard_model_get_dns_mx (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), NULL);

  return (const char *const *) self->dns_mx;
}

/**
 * mts_wizard_model_get_dns_preference:
 *
 * Returns: the MX preference of @host, or -1 when DNS does not list it.
 */
int
mts_wizard_model_get_dns_preference (MtsWizardModel   *self,
                              const char *host)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), -1);

  for (guint i = 0; self->dns_mx != NULL && self->dns_mx[i] != NULL; i++)
    if (g_ascii_strcasecmp (self->dns_mx[i], host) == 0 && i < self->dns_preferences->len)
      return g_array_index (self->dns_preferences, guint16, i);
  return -1;
}

/**
 * mts_wizard_model_get_patterns:
 *
 * Returns: (array zero-terminated=1): the policy's mx patterns, in order.
 */
const char *const *
mts_wizard_model_get_patterns (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), NULL);

  return (const char *const *) self->patterns;
}

void
mts_wizard_model_set_patterns (MtsWizardModel          *self,
                        const char *const *patterns)
{
  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));

  g_strfreev (self->patterns);
  self->patterns = patterns != NULL ? g_strdupv ((char **) patterns) : g_new0 (char *, 1);
  emit_changed (self);
}

/**
 * mts_wizard_model_add_pattern:
 * @pattern: a normalised pattern (see mts_mx_pattern_normalize())
 *
 * Returns: %FALSE when the policy already lists @pattern.
 */
gboolean
mts_wizard_model_add_pattern (MtsWizardModel   *self,
                       const char *pattern)
{
  guint n;

  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), FALSE);
  g_return_val_if_fail (pattern != NULL, FALSE);

  if (g_strv_contains ((const char *const *) self->patterns, pattern))
    return FALSE;
  n = g_strv_length (self->patterns);
  self->patterns = g_renew (char *, self->patterns, n + 2);
  self->patterns[n] = g_strdup (pattern);
  self->patterns[n + 1] = NULL;
  emit_changed (self);
  return TRUE;
}

void
mts_wizard_model_remove_pattern (MtsWizardModel   *self,
                          const char *pattern)
{
  guint j = 0;

  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));

  for (guint i = 0; self->patterns[i] != NULL; i++)
    {
      if (g_str_equal (self->patterns[i], pattern))
        g_free (self->patterns[i]);
      else
        self->patterns[j++] = self->patterns[i];
    }
  self->patterns[j] = NULL;
  emit_changed (self);
}

/**
 * mts_wizard_model_replace_pattern:
 *
 * Puts @new_pattern where @old_pattern was, keeping the order.
 *
 * Returns: %FALSE when @new_pattern is already another line of the policy.
 */
gboolean
mts_wizard_model_replace_pattern (MtsWizardModel   *self,
                           const char *old_pattern,
                           const char *new_pattern)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), FALSE);

  if (g_str_equal (old_pattern, new_pattern))
    return TRUE;
  if (g_strv_contains ((const char *const *) self->patterns, new_pattern))
    return FALSE;
  for (guint i = 0; self->patterns[i] != NULL; i++)
    if (g_str_equal (self->patterns[i], old_pattern))
      {
        g_free (self->patterns[i]);
        self->patterns[i] = g_strdup (new_pattern);
        emit_changed (self);
        return TRUE;
      }
  return FALSE;
}

MtsPolicyMode
mts_wizard_model_get_mode (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), MTS_POLICY_MODE_TESTING);

  return self->mode;
}

void
mts_wizard_model_set_mode (MtsWizardModel      *self,
                    MtsPolicyMode  mode)
{
  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  emit_changed (self);
}

guint32
mts_wizard_model_get_max_age (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), 0);

  return self->max_age;
}

void
mts_wizard_model_set_max_age (MtsWizardModel *self,
                       guint32   max_age)
{
  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));

  max_age = MIN (max_age, MTS_POLICY_MAX_AGE_MAX);
  if (self->max_age == max_age)
    return;
  self->max_age = max_age;
  emit_changed (self);
}

/**
 * mts_wizard_model_get_rua:
 *
 * Returns: (array zero-terminated=1): where TLS reports go, as the user
 * wrote them; the record generator percent-encodes what must be.
 */
const char *const *
mts_wizard_model_get_rua (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), NULL);

  return (const char *const *) self->rua;
}

void
mts_wizard_model_set_rua (MtsWizardModel          *self,
                   const char *const *rua)
{
  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));

  if (rua != NULL && g_strv_equal ((const char *const *) self->rua, rua))
    return;
  g_strfreev (self->rua);
  self->rua = rua != NULL ? g_strdupv ((char **) rua) : g_new0 (char *, 1);
  emit_changed (self);
}

const char *
mts_wizard_model_get_id (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), NULL);

  return self->id;
}

void
mts_wizard_model_set_id (MtsWizardModel   *self,
                  const char *id)
{
  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));
  g_return_if_fail (mts_sts_id_is_valid (id));

  if (g_strcmp0 (self->id, id) == 0)
    return;
  g_free (self->id);
  self->id = g_strdup (id);
  emit_changed (self);
}

guint
mts_wizard_model_get_ttl (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), MTS_SETUP_DEFAULT_TTL);

  return self->ttl;
}

void
mts_wizard_model_set_ttl (MtsWizardModel *self,
                   guint     ttl)
{
  g_return_if_fail (MTS_IS_WIZARD_MODEL (self));

  if (self->ttl == ttl)
    return;
  self->ttl = ttl;
  emit_changed (self);
}

/**
 * mts_wizard_model_build_setup:
 *
 * Returns: (transfer full): the core's description of what the domain
 * publishes, from which every value on Publish and every export is made.
 */
MtsSetup *
mts_wizard_model_build_setup (MtsWizardModel *self)
{
  MtsSetup *setup;

  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), NULL);

  setup = mts_setup_new ();
  setup->domain = g_strdup (self->domain);
  for (guint i = 0; self->patterns[i] != NULL; i++)
    g_ptr_array_add (setup->mx, g_strdup (self->patterns[i]));
  setup->mode = self->mode;
  setup->max_age = self->max_age;
  for (guint i = 0; self->rua[i] != NULL; i++)
    g_ptr_array_add (setup->rua, g_strdup (self->rua[i]));
  setup->id = g_strdup (self->id);
  setup->ttl = self->ttl;
  return setup;
}

/**
 * mts_wizard_model_build_policy:
 *
 * Returns: (transfer full): the policy these values make.
 */
MtsPolicy *
mts_wizard_model_build_policy (MtsWizardModel *self)
{
  g_autoptr(MtsSetup) setup = mts_wizard_model_build_setup (self);

  return mts_setup_get_policy (setup);
}

/**
 * mts_wizard_model_dup_policy_text:
 *
 * Returns: (transfer full): the policy file exactly as it must be served
 * (CRLF line ends).
 */
char *
mts_wizard_model_dup_policy_text (MtsWizardModel *self)
{
  g_autoptr(MtsSetup) setup = mts_wizard_model_build_setup (self);

  return mts_export (setup, MTS_EXPORT_POLICY);
}

/**
 * mts_wizard_model_check_policy:
 *
 * What a sender's parser finds in the generated file (a policy without mx
 * lines is an error there), the max_age advice, and the coverage of the MX
 * hosts found in DNS.
 *
 * Returns: (transfer full) (element-type MtsDiagnostic): the findings.
 */
GPtrArray *
mts_wizard_model_check_policy (MtsWizardModel *self)
{
  g_autofree char *text = mts_wizard_model_dup_policy_text (self);
  g_autoptr(GPtrArray) diagnostics = mts_diagnostics_new ();
  g_autoptr(MtsPolicy) parsed = mts_policy_parse (text, -1, diagnostics);

  if (parsed != NULL && self->dns_mx != NULL)
    mts_policy_check_mx (parsed, (const char *const *) self->dns_mx, diagnostics);
  return g_steal_pointer (&diagnostics);
}

/**
 * mts_wizard_model_check_coverage:
 *
 * Returns: (transfer full) (element-type MtsDiagnostic): which MX hosts
 * found in DNS the patterns miss, and which patterns match none; empty
 * while DNS is not known.
 */
GPtrArray *
mts_wizard_model_check_coverage (MtsWizardModel *self)
{
  GPtrArray *diagnostics = mts_diagnostics_new ();

  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), diagnostics);

  if (self->dns_mx != NULL)
    mts_mx_coverage_check (self->mode, (const char *const *) self->patterns,
                           (const char *const *) self->dns_mx, diagnostics);
  return diagnostics;
}

/**
 * mts_wizard_model_check_rua:
 *
 * Returns: (transfer full) (element-type MtsDiagnostic): the findings about
 * each rua URI, with line = its position (1-based).
 */
GPtrArray *
mts_wizard_model_check_rua (MtsWizardModel *self)
{
  GPtrArray *diagnostics = mts_diagnostics_new ();

  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), diagnostics);

  for (guint i = 0; self->rua[i] != NULL; i++)
    {
      g_autofree char *encoded = mts_tlsrpt_uri_encode (self->rua[i]);

      mts_tlsrpt_uri_check (encoded, i + 1, diagnostics);
    }
  return diagnostics;
}

/**
 * mts_wizard_model_dup_sts_record:
 *
 * Returns: (transfer full): the value of the _mta-sts TXT record.
 */
char *
mts_wizard_model_dup_sts_record (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), NULL);

  return mts_sts_record_generate (self->id);
}

/**
 * mts_wizard_model_dup_tlsrpt_record:
 *
 * Returns: (transfer full) (nullable): the value of the _smtp._tls TXT
 * record, or %NULL while no report address is set.
 */
char *
mts_wizard_model_dup_tlsrpt_record (MtsWizardModel *self)
{
  g_return_val_if_fail (MTS_IS_WIZARD_MODEL (self), NULL);

  if (self->rua[0] == NULL)
    return NULL;
  return mts_tlsrpt_record_generate ((const char *const *) self->rua);
}
