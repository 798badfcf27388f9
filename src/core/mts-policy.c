/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-policy.c: the MTA-STS policy file (RFC 8461 §3.2): parse, check, write.
 *
 * The parser behaves like a strict sending MTA: what the ABNF of §3.2
 * forbids (wrong case in keys and values, a max_age too large, a U-label
 * or trailing dot in an mx pattern, empty lines, control characters) is an
 * error, because some sender will reject the policy for it.  Where the RFC
 * is lenient (LF or CRLF, any key order, unknown keys, repeated keys of
 * which the first wins) the parser is lenient too and says so in a note or
 * a warning.  It never stops at the first problem: it reports every
 * finding and returns its best reading of the file.
 *
 * The writer emits the conservative form that every known sender reads:
 * "version" first, then "mode", the "mx" lines and "max_age", each line
 * ending in CRLF, the last one included.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mts-diagnostic.h"
#include "mts-mx-pattern.h"
#include "mts-policy.h"

#define REF_POLICY "RFC 8461 §3.2"
#define REF_FETCH "RFC 8461 §3.3"
#define REF_MX "RFC 8461 §4.1"
#define REF_MAX_AGE "RFC 8461 §10.2"

/* RFC 8461 §3.2 ABNF: sts-policy-ext-name is one letter or digit and up to
 * 31 more letters, digits, "_", "-" or ".". */
#define MAX_KEY_LENGTH 32
#define MAX_AGE_DIGITS 10

#define ONE_DAY 86400u
#define ONE_WEEK (7 * ONE_DAY)
#define TWO_WEEKS (14 * ONE_DAY)

G_DEFINE_BOXED_TYPE (MtsPolicy, mts_policy, mts_policy_copy, mts_policy_free)

static const char *const known_keys[] = { "version", "mode", "max_age", "mx" };

const char *
mts_policy_mode_to_string (MtsPolicyMode mode)
{
  switch (mode)
    {
    case MTS_POLICY_MODE_NONE:
      return "none";
    case MTS_POLICY_MODE_TESTING:
      return "testing";
    case MTS_POLICY_MODE_ENFORCE:
      return "enforce";
    default:
      g_return_val_if_reached ("none");
    }
}

/**
 * mts_policy_mode_from_string:
 * @string: "none", "testing" or "enforce", in lower case as the ABNF says
 * @mode: (out) (optional): the mode
 *
 * Returns: %TRUE if @string is a mode.
 */
gboolean
mts_policy_mode_from_string (const char    *string,
                             MtsPolicyMode *mode)
{
  static const MtsPolicyMode modes[] = {
    MTS_POLICY_MODE_NONE, MTS_POLICY_MODE_TESTING, MTS_POLICY_MODE_ENFORCE,
  };

  g_return_val_if_fail (string != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    if (g_str_equal (string, mts_policy_mode_to_string (modes[i])))
      {
        if (mode != NULL)
          *mode = modes[i];
        return TRUE;
      }
  return FALSE;
}

/**
 * mts_policy_max_age_advice:
 * @mode: the policy's mode
 * @min: (out) (optional): the shortest max_age we advise, in seconds
 * @max: (out) (optional): the longest
 *
 * Published guidance, not an RFC rule: in testing, one to two weeks, so
 * that a mistake found in the reports is not cached for long; in enforce,
 * at least a day and up to the RFC maximum, because the policy only
 * protects mail while senders have it cached (§10.2).  In mode none any
 * value is fine: a short one is what §8.3 advises when removing MTA-STS.
 */
void
mts_policy_max_age_advice (MtsPolicyMode  mode,
                           guint32       *min,
                           guint32       *max)
{
  guint32 lo, hi;

  switch (mode)
    {
    case MTS_POLICY_MODE_TESTING:
      lo = ONE_WEEK;
      hi = TWO_WEEKS;
      break;
    case MTS_POLICY_MODE_ENFORCE:
      lo = ONE_DAY;
      hi = MTS_POLICY_MAX_AGE_MAX;
      break;
    case MTS_POLICY_MODE_NONE:
    default:
      lo = 0;
      hi = MTS_POLICY_MAX_AGE_MAX;
      break;
    }
  if (min != NULL)
    *min = lo;
  if (max != NULL)
    *max = hi;
}

static void
extension_free (MtsPolicyExtension *extension)
{
  g_free (extension->key);
  g_free (extension->value);
  g_free (extension);
}

/**
 * mts_policy_new:
 *
 * Returns: (transfer full): a policy with version "STSv1" and nothing else:
 * no mode, no max_age, no mx.
 */
MtsPolicy *
mts_policy_new (void)
{
  MtsPolicy *policy = g_new0 (MtsPolicy, 1);

  policy->version = g_strdup ("STSv1");
  policy->mx = g_ptr_array_new_with_free_func (g_free);
  policy->extensions = g_ptr_array_new_with_free_func ((GDestroyNotify) extension_free);
  return policy;
}

MtsPolicy *
mts_policy_copy (const MtsPolicy *policy)
{
  MtsPolicy *copy;

  g_return_val_if_fail (policy != NULL, NULL);

  copy = mts_policy_new ();
  g_free (copy->version);
  copy->version = g_strdup (policy->version);
  copy->mode = policy->mode;
  copy->has_mode = policy->has_mode;
  copy->max_age = policy->max_age;
  copy->has_max_age = policy->has_max_age;
  for (guint i = 0; i < policy->mx->len; i++)
    mts_policy_add_mx (copy, g_ptr_array_index (policy->mx, i));
  for (guint i = 0; i < policy->extensions->len; i++)
    {
      const MtsPolicyExtension *e = g_ptr_array_index (policy->extensions, i);

      mts_policy_add_extension (copy, e->key, e->value);
    }
  return copy;
}

void
mts_policy_free (MtsPolicy *policy)
{
  if (policy == NULL)
    return;
  g_free (policy->version);
  g_ptr_array_unref (policy->mx);
  g_ptr_array_unref (policy->extensions);
  g_free (policy);
}

/**
 * mts_policy_equal:
 *
 * Returns: %TRUE if @a and @b have the same fields, mx patterns and
 * extensions in the same order.  Patterns compare exactly (case too).
 */
gboolean
mts_policy_equal (const MtsPolicy *a,
                  const MtsPolicy *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (g_strcmp0 (a->version, b->version) != 0 ||
      a->has_mode != b->has_mode || (a->has_mode && a->mode != b->mode) ||
      a->has_max_age != b->has_max_age || (a->has_max_age && a->max_age != b->max_age) ||
      a->mx->len != b->mx->len || a->extensions->len != b->extensions->len)
    return FALSE;

  for (guint i = 0; i < a->mx->len; i++)
    if (!g_str_equal (g_ptr_array_index (a->mx, i), g_ptr_array_index (b->mx, i)))
      return FALSE;

  for (guint i = 0; i < a->extensions->len; i++)
    {
      const MtsPolicyExtension *ea = g_ptr_array_index (a->extensions, i);
      const MtsPolicyExtension *eb = g_ptr_array_index (b->extensions, i);

      if (!g_str_equal (ea->key, eb->key) || !g_str_equal (ea->value, eb->value))
        return FALSE;
    }
  return TRUE;
}

void
mts_policy_set_mode (MtsPolicy     *policy,
                     MtsPolicyMode  mode)
{
  g_return_if_fail (policy != NULL);

  policy->mode = mode;
  policy->has_mode = TRUE;
}

void
mts_policy_set_max_age (MtsPolicy *policy,
                        guint32    max_age)
{
  g_return_if_fail (policy != NULL);

  policy->max_age = max_age;
  policy->has_max_age = TRUE;
}

void
mts_policy_add_mx (MtsPolicy  *policy,
                   const char *pattern)
{
  g_return_if_fail (policy != NULL);
  g_return_if_fail (pattern != NULL);

  g_ptr_array_add (policy->mx, g_strdup (pattern));
}

void
mts_policy_add_extension (MtsPolicy  *policy,
                          const char *key,
                          const char *value)
{
  MtsPolicyExtension *extension;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (value != NULL);

  extension = g_new0 (MtsPolicyExtension, 1);
  extension->key = g_strdup (key);
  extension->value = g_strdup (value);
  g_ptr_array_add (policy->extensions, extension);
}

/* "1 to 2 weeks (604800 to 1209600 seconds)": a duration people read. */
static char *
describe_seconds (guint32 seconds)
{
  if (seconds == MTS_POLICY_MAX_AGE_MAX)
    return g_strdup (_("1 year"));
  if (seconds != 0 && seconds % ONE_WEEK == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u week", "%u weeks", seconds / ONE_WEEK),
                            seconds / ONE_WEEK);
  if (seconds != 0 && seconds % ONE_DAY == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", seconds / ONE_DAY),
                            seconds / ONE_DAY);
  if (seconds != 0 && seconds % 3600 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", seconds / 3600),
                            seconds / 3600);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", seconds),
                          seconds);
}

/* "2419200 seconds (4 weeks)", or "90 seconds" when that says it all. */
static char *
describe_max_age (guint32 seconds)
{
  g_autofree char *words = describe_seconds (seconds);

  if (seconds == 0 || seconds % 3600 != 0)
    return g_steal_pointer (&words);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second (%s)", "%u seconds (%s)", seconds),
                          seconds, words);
}

static char *
describe_range (guint32 min,
                guint32 max)
{
  g_autofree char *lo = describe_seconds (min);
  g_autofree char *hi = describe_seconds (max);

  /* "1 week to 2 weeks" reads better as "1 to 2 weeks". */
  if (min == ONE_WEEK && max == TWO_WEEKS)
    return g_strdup_printf (_("1 to 2 weeks (%u to %u seconds)"), min, max);
  return g_strdup_printf (_("%s to %s (%u to %u seconds)"), lo, hi, min, max);
}

/**
 * mts_policy_check_advice:
 * @policy: a parsed or generated policy
 * @diagnostics: where to add the findings
 *
 * Adds a warning when max_age is outside the range published guidance
 * advises for the mode (see mts_policy_max_age_advice()).  mts_policy_parse()
 * calls it.
 */
void
mts_policy_check_advice (const MtsPolicy *policy,
                         GPtrArray       *diagnostics)
{
  guint32 min, max;
  g_autofree char *range = NULL;
  g_autofree char *value = NULL;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (diagnostics != NULL);

  if (!policy->has_mode || !policy->has_max_age)
    return;

  mts_policy_max_age_advice (policy->mode, &min, &max);
  if (policy->max_age >= min && policy->max_age <= max)
    return;

  range = describe_range (min, max);
  value = describe_max_age (policy->max_age);
  if (policy->max_age < min && policy->mode == MTS_POLICY_MODE_ENFORCE)
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_WARNING, 0, "policy-max-age-too-short",
                         REF_MAX_AGE,
                         _("max_age is %s. Senders forget an enforce policy this "
                           "quickly, which leaves room for an attacker between fetches. Use %s."),
                         value, range);
  else if (policy->max_age < min)
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_WARNING, 0, "policy-max-age-too-short",
                         REF_MAX_AGE,
                         _("max_age is %s. For testing mode, use %s, so that "
                           "senders keep the policy long enough to report on it."),
                         value, range);
  else
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_WARNING, 0, "policy-max-age-too-long",
                         REF_MAX_AGE,
                         _("max_age is %s. For testing mode, use %s: when you switch "
                           "to enforce, senders keep using the testing policy until it expires."),
                         value, range);
}

/* Parsing. */

typedef struct
{
  MtsPolicy *policy;
  GPtrArray *diagnostics;
  /* Line of the first occurrence of each key, to report repeats. */
  GHashTable *first_line;
  guint n_fields;
  guint n_mx_lines;
  /* A known key written in another case ("Mode"), or a value that was
   * wrong: the key's "missing" error would only repeat that finding. */
  gboolean reported[G_N_ELEMENTS (known_keys)];
  /* An unknown key that looks like a misspelt "mx" ("nmx"). */
  guint mx_typo_line;
  gboolean seen_lf, seen_crlf, seen_nul, seen_utf8, seen_cr;
  /* The file is a web page or a TXT record: its lines are not worth a
   * finding each. */
  gboolean not_policy;
} ParseState;

static int
known_key_index (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_str_equal (key, known_keys[i]))
      return (int) i;
  return -1;
}

static int
known_key_index_nocase (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_ascii_strcasecmp (key, known_keys[i]) == 0)
      return (int) i;
  return -1;
}

/* Optimal string alignment distance, ignoring case and taking "-" for "_",
 * both short strings (keys are at most 32 octets). */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint d[MAX_KEY_LENGTH + 2][MAX_KEY_LENGTH + 2];

  g_assert (la <= MAX_KEY_LENGTH && lb <= MAX_KEY_LENGTH);

  for (gsize i = 0; i <= la; i++)
    d[i][0] = (guint) i;
  for (gsize j = 0; j <= lb; j++)
    d[0][j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    for (gsize j = 1; j <= lb; j++)
      {
        char ca = g_ascii_tolower (a[i - 1]) == '-' ? '_' : g_ascii_tolower (a[i - 1]);
        char cb = g_ascii_tolower (b[j - 1]) == '-' ? '_' : g_ascii_tolower (b[j - 1]);
        guint cost = ca == cb ? 0 : 1;
        guint best = MIN (d[i - 1][j] + 1, d[i][j - 1] + 1);

        best = MIN (best, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          best = MIN (best, d[i - 2][j - 2] + 1);
        d[i][j] = best;
      }
  return d[la][lb];
}

/* The known key that @key is probably a misspelling of, or -1. */
static int
misspelt_key (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    {
      guint limit = strlen (known_keys[i]) <= 4 ? 1 : 2;

      if (edit_distance (key, known_keys[i]) <= limit)
        return (int) i;
    }
  return -1;
}

static gboolean
is_wsp (char c)
{
  return c == ' ' || c == '\t';
}

static gboolean
is_valid_key (const char *key)
{
  gsize len = strlen (key);

  if (len == 0 || len > MAX_KEY_LENGTH || !g_ascii_isalnum (key[0]))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '_' && key[i] != '-' && key[i] != '.')
      return FALSE;
  return TRUE;
}

static void
parse_version (ParseState *state,
               guint       line,
               const char *value)
{
  g_assert (state->policy->version == NULL);

  state->policy->version = g_strdup (value);
  if (g_str_equal (value, "STSv1"))
    return;

  state->reported[0] = TRUE;
  if (g_ascii_strcasecmp (value, "STSv1") == 0)
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-version-invalid",
                         REF_POLICY,
                         _("The version is “%s”, but senders only accept exactly “STSv1”, with this "
                           "case. Write “version: STSv1”."),
                         value);
  else if (value[0] == '\0')
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-version-invalid",
                         REF_POLICY,
                         _("The version line is empty. Write “version: STSv1”."));
  else
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-version-invalid",
                         REF_POLICY,
                         _("The version is “%s”, but the only version senders know is “STSv1”. "
                           "Write “version: STSv1”."),
                         value);
}

static void
parse_mode (ParseState *state,
            guint       line,
            const char *value)
{
  g_autofree char *lower = g_ascii_strdown (value, -1);
  MtsPolicyMode mode;

  if (mts_policy_mode_from_string (value, &mode))
    {
      mts_policy_set_mode (state->policy, mode);
      return;
    }

  state->reported[1] = TRUE;
  if (value[0] == '\0')
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-mode-invalid",
                         REF_POLICY,
                         _("The mode line is empty. Write “mode: testing” to start, and "
                           "“mode: enforce” once reports show that mail gets through."));
  else if (mts_policy_mode_from_string (lower, NULL))
    {
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-mode-invalid",
                           REF_POLICY,
                           _("The mode “%s” must be written in lower case: “mode: %s”. Senders "
                             "reject the policy otherwise."),
                           value, lower);
    }
  else
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-mode-invalid",
                         REF_POLICY,
                         _("The mode “%s” is not one senders know. Write “mode: testing”, "
                           "“mode: enforce” or “mode: none”."),
                         value);
}

static void
parse_max_age (ParseState *state,
               guint       line,
               const char *value)
{
  gsize len = strlen (value);
  guint64 seconds = 0;
  gboolean digits = len > 0;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (value[i]))
      digits = FALSE;

  if (!digits || len > MAX_AGE_DIGITS)
    {
      state->reported[2] = TRUE;
      if (len == 0)
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-max-age-invalid",
                             REF_POLICY,
                             _("The max_age line is empty. Write the number of seconds senders "
                               "may keep the policy, such as “max_age: 604800” for one week."));
      else if (digits && len - strspn (value, "0") <= 8 &&
               g_ascii_strtoull (value, NULL, 10) <= MTS_POLICY_MAX_AGE_MAX)
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-max-age-invalid",
                             REF_POLICY,
                             _("max_age “%s” has more than 10 digits, which senders do not accept. "
                               "Remove the zeros at the start."),
                             value);
      else if (digits)
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line,
                             "policy-max-age-too-large", REF_POLICY,
                             _("max_age “%s” is longer than the largest value senders accept, "
                               "31557600 seconds (one year). Use at most 31557600."),
                             value);
      else
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-max-age-invalid",
                             REF_POLICY,
                             _("max_age “%s” is not a number of seconds. Write digits only, with no "
                               "unit, sign or spaces, such as “max_age: 604800” for one week."),
                             value);
      return;
    }

  for (gsize i = 0; i < len; i++)
    seconds = seconds * 10 + (guint64) (value[i] - '0');

  if (seconds > MTS_POLICY_MAX_AGE_MAX)
    {
      state->reported[2] = TRUE;
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-max-age-too-large",
                           REF_POLICY,
                           _("max_age %s is longer than the largest value senders accept, "
                             "31557600 seconds (one year). Use at most 31557600."),
                           value);
      return;
    }

  mts_policy_set_max_age (state->policy, (guint32) seconds);
}

static const char *
mx_error_code (int code,
               MtsSeverity *severity)
{
  *severity = MTS_SEVERITY_ERROR;
  switch ((MtsMxPatternError) code)
    {
    case MTS_MX_PATTERN_ERROR_EMPTY:
      return "policy-mx-empty";
    case MTS_MX_PATTERN_ERROR_IP_ADDRESS:
      return "policy-mx-ip-address";
    case MTS_MX_PATTERN_ERROR_WILDCARD:
      return "policy-mx-wildcard";
    case MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD:
      *severity = MTS_SEVERITY_WARNING;
      return "policy-mx-wildcard-too-broad";
    case MTS_MX_PATTERN_ERROR_SINGLE_LABEL:
      *severity = MTS_SEVERITY_WARNING;
      return "policy-mx-single-label";
    case MTS_MX_PATTERN_ERROR_UNDERSCORE:
      return "policy-mx-underscore";
    case MTS_MX_PATTERN_ERROR_SEVERAL:
      return "policy-mx-several";
    case MTS_MX_PATTERN_ERROR_TRAILING_DOT:
      return "policy-mx-trailing-dot";
    case MTS_MX_PATTERN_ERROR_NON_ASCII:
    case MTS_MX_PATTERN_ERROR_IDN:
      return "policy-mx-ulabel";
    case MTS_MX_PATTERN_ERROR_EMPTY_LABEL:
    case MTS_MX_PATTERN_ERROR_HYPHEN:
    case MTS_MX_PATTERN_ERROR_TOO_LONG:
    case MTS_MX_PATTERN_ERROR_NUMERIC_TLD:
    case MTS_MX_PATTERN_ERROR_BAD_CHARACTER:
    default:
      return "policy-mx-invalid";
    }
}

static void
parse_mx (ParseState *state,
          guint       line,
          const char *value)
{
  g_autoptr(GError) error = NULL;

  state->n_mx_lines++;

  if (!mts_mx_pattern_validate (value, &error))
    {
      MtsSeverity severity;
      const char *code = mx_error_code (error->code, &severity);

      mts_diagnostics_add (state->diagnostics, severity, line, code,
                           error->code == MTS_MX_PATTERN_ERROR_WILDCARD ||
                           error->code == MTS_MX_PATTERN_ERROR_WILDCARD_TOO_BROAD ?
                           REF_MX : REF_POLICY,
                           "%s", error->message);
      if (severity == MTS_SEVERITY_ERROR)
        return;
    }

  for (guint i = 0; i < state->policy->mx->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (state->policy->mx, i), value) == 0)
      {
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_NOTE, line, "policy-mx-duplicate",
                             REF_POLICY,
                             _("“mx: %s” is listed twice. That is harmless; you can remove the "
                               "second line."),
                             value);
        break;
      }

  mts_policy_add_mx (state->policy, value);
}

static void
parse_extension (ParseState *state,
                 guint       line,
                 const char *key,
                 const char *value)
{
  int typo = misspelt_key (key);

  if (typo >= 0)
    {
      if (g_str_equal (known_keys[typo], "mx") && state->mx_typo_line == 0)
        state->mx_typo_line = line;
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_WARNING, line, "policy-key-typo",
                           REF_POLICY,
                           _("“%s” is not a key senders know, so they ignore this line. "
                             "Did you mean “%s”?"),
                           key, known_keys[typo]);
    }
  else
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_NOTE, line, "policy-extension",
                         REF_POLICY,
                         _("“%s” is not part of MTA-STS version 1. Senders ignore it; remove it "
                           "unless a tool you use needs it."),
                         key);

  if (value[0] == '\0')
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-extension-empty",
                         REF_POLICY,
                         _("“%s” has no value, which the policy format does not allow. Remove the "
                           "line or give it a value."),
                         key);

  mts_policy_add_extension (state->policy, key, value);
}

/* The first @max characters of the valid UTF-8 text @s (@len bytes), for
 * a message: cutting bytes could split a character. */
static char *
excerpt (const char *s,
         gsize       len,
         glong       max)
{
  g_autofree char *whole = g_strndup (s, len);

  if (g_utf8_strlen (whole, -1) <= max)
    return g_steal_pointer (&whole);
  return g_utf8_substring (whole, 0, max);
}

/* Whether @value, of the key @key, holds more "key: value" fields after a
 * ";"; if so, marks the known keys among them as reported, so that they
 * are not also called missing. */
static gboolean
names_other_keys (ParseState *state,
                  const char *key,
                  const char *value)
{
  g_auto(GStrv) segments = g_strsplit (value, ";", -1);
  gboolean found = FALSE;
  int index;

  for (guint i = 1; segments[i] != NULL; i++)
    {
      char *segment = g_strstrip (segments[i]);
      char *colon = strchr (segment, ':');

      if (colon == NULL)
        continue;
      *colon = '\0';
      index = known_key_index_nocase (g_strstrip (segment));
      if (index >= 0)
        {
          state->reported[index] = TRUE;
          found = TRUE;
        }
    }
  index = known_key_index_nocase (key);
  if (found && index >= 0)
    state->reported[index] = TRUE;
  return found;
}

/* One "key: value" line, without its line end. */
static void
parse_line (ParseState *state,
            guint       line,
            const char *start,
            gsize       len)
{
  const char *end = start + len;
  const char *colon;
  const char *p;
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;
  gboolean all_space = TRUE;
  int known;

  for (p = start; p < end; p++)
    if (!is_wsp (*p))
      all_space = FALSE;
  if (all_space)
    {
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-blank-line",
                           REF_POLICY,
                           _("Line %u is empty. Remove it: the policy format has no empty lines, and "
                             "strict senders reject the policy."),
                           line);
      return;
    }

  if (memchr (start, '\0', len) != NULL)
    {
      if (!state->seen_nul)
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-nul-byte",
                             REF_POLICY,
                             _("Line %u contains a NUL byte. The policy must be plain text: save it "
                               "again from a text editor."),
                             line);
      state->seen_nul = TRUE;
      return;
    }

  if (!g_utf8_validate_len (start, len, NULL))
    {
      if (!state->seen_utf8)
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-invalid-utf8",
                             REF_POLICY,
                             _("Line %u contains bytes that are not valid text (UTF-8). Save the "
                               "policy as plain ASCII or UTF-8 text."),
                             line);
      state->seen_utf8 = TRUE;
      return;
    }

  /* Windows editors may start the file with a byte order mark. */
  if (line == 1 && len >= 3 && memcmp (start, "\xEF\xBB\xBF", 3) == 0)
    {
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-bom",
                           REF_POLICY,
                           _("The file starts with an invisible byte order mark (BOM), so senders do "
                             "not recognise the first key. Save the file as UTF-8 without BOM, or "
                             "as plain ASCII."));
      start += 3;
      /* Nothing but the mark (and spaces): that finding says it all. */
      for (p = start; p < end && is_wsp (*p); p++)
        ;
      if (p == end)
        return;
    }

  for (p = start; p < end; p++)
    if ((guchar) *p < 0x20 ? *p != '\t' : *p == 0x7f)
      {
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line,
                             "policy-control-character", REF_POLICY,
                             _("Line %u contains an invisible control character (code %u). Remove "
                               "it; the policy must be plain text."),
                             line, (guint) (guchar) *p);
        return;
      }

  if (is_wsp (*start))
    {
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-leading-whitespace",
                           REF_POLICY,
                           _("Line %u starts with a space or tab. Remove it: each line must start "
                             "with its key, such as “mode:”."),
                           line);
      while (start < end && is_wsp (*start))
        start++;
    }

  /* A web server that answers with an error page or the home page. */
  if (line == 1 && *start == '<')
    {
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-html",
                           REF_POLICY,
                           _("This is a web page (HTML), not a policy file. Check that the file "
                             ".well-known/mta-sts.txt exists on the policy host and is served as "
                             "plain text, not an error page or the site’s home page."));
      state->not_policy = TRUE;
      return;
    }

  /* The _mta-sts TXT record pasted where the policy file belongs. */
  if (line == 1 && end - start >= 7 && memcmp (start, "v=STSv1", 7) == 0)
    {
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-txt-record",
                           REF_POLICY,
                           _("This is the _mta-sts TXT record (“v=STSv1; id=…”), which belongs in "
                             "the DNS, not the policy file. The policy file has lines such as "
                             "“version: STSv1”, “mode: testing”, “mx: mail.example.com” and "
                             "“max_age: 604800”."));
      state->not_policy = TRUE;
      return;
    }

  if (state->not_policy)
    return;

  colon = memchr (start, ':', (gsize) (end - start));
  if (colon == NULL)
    {
      g_autofree char *text = excerpt (start, (gsize) (end - start), 60);

      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-line-no-colon",
                           REF_POLICY,
                           _("Line %u (“%s”) has no “:”. Each line must be a key, a colon and a "
                             "value, such as “mode: testing”."),
                           line, text);
      return;
    }

  p = colon;
  if (p > start && is_wsp (p[-1]))
    {
      while (p > start && is_wsp (p[-1]))
        p--;
      key = g_strndup (start, (gsize) (p - start));
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-space-before-colon",
                           REF_POLICY,
                           _("Line %u has a space before the colon. Write “%s:” with the colon "
                             "right after the key."),
                           line, key);
    }
  else
    key = g_strndup (start, (gsize) (p - start));

  p = colon + 1;
  while (p < end && is_wsp (*p))
    p++;
  {
    const char *value_end = end;

    while (value_end > p && is_wsp (value_end[-1]))
      value_end--;
    value = g_strndup (p, (gsize) (value_end - p));
  }

  if (!is_valid_key (key))
    {
      g_autofree char *shown = excerpt (key, strlen (key), 40);

      if (key[0] == '\0')
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-key-invalid",
                             REF_POLICY,
                             _("Line %u starts with a colon. Write the key before it, such as "
                               "“mode: testing”."),
                             line);
      else
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-key-invalid",
                             REF_POLICY,
                             _("“%s” cannot be a key. Keys are “version”, “mode”, “mx” and "
                               "“max_age”, written in lower case, at the start of the line."),
                             shown);
      return;
    }

  state->n_fields++;
  known = known_key_index (key);

  /* "mode: enforce; mx: mail.example.com": the TXT record's style. */
  if (strchr (value, ';') != NULL && names_other_keys (state, key, value))
    {
      mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-one-line",
                           REF_POLICY,
                           _("Line %u holds several keys separated by “;”. Put each key on its own "
                             "line, such as “mode: enforce” on one line and “mx: mail.example.com” "
                             "on the next."),
                           line);
      return;
    }

  if (known < 0)
    {
      int other_case = known_key_index_nocase (key);

      if (other_case >= 0)
        {
          state->reported[other_case] = TRUE;
          mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, line, "policy-key-case",
                               REF_POLICY,
                               _("Write “%s” in lower case: “%s:”. Keys are case-sensitive, so "
                                 "senders do not recognise “%s:” and treat the policy as if it "
                                 "had no %s."),
                               key, known_keys[other_case], key, known_keys[other_case]);
        }
    }

  /* RFC 8461 §3.2: "If any non-repeated field -- i.e., all fields
   * excepting "mx" -- is duplicated, all entries except for the first
   * SHALL be ignored."  Some tools keep the last: say which one counts. */
  if (known != 3)
    {
      gpointer first = g_hash_table_lookup (state->first_line, key);

      if (first != NULL)
        {
          mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_WARNING, line, "policy-duplicate-key",
                               REF_POLICY,
                               _("“%s” appears again on line %u. Senders use only the first one, on "
                                 "line %u, and ignore this one. Remove the line you do not mean."),
                               key, line, GPOINTER_TO_UINT (first));
          return;
        }
      g_hash_table_insert (state->first_line, g_strdup (key), GUINT_TO_POINTER (line));
    }

  switch (known)
    {
    case 0:
      if (state->n_fields != 1)
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_NOTE, line, "policy-version-not-first",
                             REF_POLICY,
                             _("“version” is not the first line. The RFC allows any order, but "
                               "putting “version: STSv1” first is the common form that every "
                               "sender reads."));
      parse_version (state, line, value);
      break;
    case 1:
      parse_mode (state, line, value);
      break;
    case 2:
      parse_max_age (state, line, value);
      break;
    case 3:
      parse_mx (state, line, value);
      break;
    default:
      if (known_key_index_nocase (key) >= 0)
        mts_policy_add_extension (state->policy, key, value);
      else
        parse_extension (state, line, key, value);
      break;
    }
}

static void
check_required (ParseState *state)
{
  MtsPolicy *policy = state->policy;

  if (policy->version == NULL && !state->reported[0])
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, 0, "policy-version-missing",
                         REF_POLICY,
                         _("The policy has no version line. Add “version: STSv1” as its first "
                           "line."));
  if (!policy->has_mode && !state->reported[1])
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, 0, "policy-mode-missing",
                         REF_POLICY,
                         _("The policy has no mode line. Add “mode: testing” to start, and change "
                           "it to “mode: enforce” once reports show that mail gets through."));
  if (!policy->has_max_age && !state->reported[2])
    mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, 0, "policy-max-age-missing",
                         REF_POLICY,
                         _("The policy has no max_age line. Add how many seconds senders may keep "
                           "it, such as “max_age: 604800” (one week)."));

  /* RFC 8461 §3.2: mx is "required at least once, except when mode is
   * "none"".  Lines that were there but wrong already have their error. */
  if (policy->has_mode && policy->mode != MTS_POLICY_MODE_NONE &&
      state->n_mx_lines == 0 && !state->reported[3])
    {
      if (state->mx_typo_line != 0)
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, 0, "policy-mx-missing",
                             REF_POLICY,
                             _("The policy has no “mx:” line (line %u looks like a misspelt one), "
                               "so senders reject it. Add one line per mail server, such as "
                               "“mx: mail.example.com”."),
                             state->mx_typo_line);
      else
        mts_diagnostics_add (state->diagnostics, MTS_SEVERITY_ERROR, 0, "policy-mx-missing",
                             REF_POLICY,
                             _("The policy has no “mx:” line, so senders reject it. In %s mode it "
                               "needs one line per mail server, such as “mx: mail.example.com”."),
                             mts_policy_mode_to_string (policy->mode));
    }
}

/**
 * mts_policy_parse:
 * @text: the policy file
 * @length: its length, or -1 if it is NUL-terminated
 * @diagnostics: where to add every finding (see the codes in
 *   `mtasts help policy check`)
 *
 * A policy is valid when no finding is an error:
 * `!mts_diagnostics_has_errors (diagnostics)`.
 *
 * Returns: (transfer full): the best reading of @text, never %NULL.  Only
 * "mx" lines without error are in its mx list; keys in another case are
 * kept as the extensions they are to a sender.
 */
MtsPolicy *
mts_policy_parse (const char *text,
                  gssize      length,
                  GPtrArray  *diagnostics)
{
  ParseState state = { 0 };
  gsize len;
  gsize pos = 0;
  guint line = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (diagnostics != NULL, NULL);

  len = length < 0 ? strlen (text) : (gsize) length;

  state.policy = mts_policy_new ();
  g_clear_pointer (&state.policy->version, g_free);
  state.diagnostics = diagnostics;
  state.first_line = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (len > MTS_POLICY_MAX_SIZE)
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, 0, "policy-too-large", REF_FETCH,
                         _("The policy is %zu bytes long; senders need not read more "
                           "than 64 KiB (65536 bytes). Shorten it: a policy needs only a few lines."),
                         len);

  while (pos < len)
    {
      const char *start = text + pos;
      const char *p = start;
      const char *stop = text + len;

      line++;
      while (p < stop && *p != '\n' && *p != '\r')
        p++;

      parse_line (&state, line, start, (gsize) (p - start));

      if (p == stop)
        break;
      if (*p == '\n')
        {
          state.seen_lf = TRUE;
          pos = (gsize) (p - text) + 1;
        }
      else if (p + 1 < stop && p[1] == '\n')
        {
          state.seen_crlf = TRUE;
          pos = (gsize) (p - text) + 2;
        }
      else
        {
          /* A CR alone ends no line in the ABNF; old Mac editors wrote
           * them.  Read on as if it did, to find the other problems. */
          if (!state.seen_cr)
            mts_diagnostics_add (diagnostics, MTS_SEVERITY_ERROR, line, "policy-bare-cr",
                                 REF_POLICY,
                                 _("Line %u ends with a carriage return (CR) alone. End each line "
                                   "with CR LF (Windows) or LF (Unix); save the file again with "
                                   "one of those line ends."),
                                 line);
          state.seen_cr = TRUE;
          pos = (gsize) (p - text) + 1;
        }
    }

  if (state.seen_lf && state.seen_crlf)
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, "policy-mixed-line-ends", REF_POLICY,
                         _("Some lines end with CR LF and others with LF alone. Senders accept "
                           "both, but the RFC’s own form is CR LF on every line."));
  else if (state.seen_lf)
    mts_diagnostics_add (diagnostics, MTS_SEVERITY_NOTE, 0, "policy-lf-line-ends", REF_POLICY,
                         _("Lines end with LF alone. Senders accept that; the RFC’s own form is "
                           "CR LF, which you may use for the widest compatibility."));

  check_required (&state);
  mts_policy_check_advice (state.policy, diagnostics);

  g_hash_table_unref (state.first_line);
  return state.policy;
}

/**
 * mts_policy_serialize:
 *
 * Returns: (transfer full): @policy in the conservative form: "version"
 * first, then "mode", the "mx" lines, "max_age" and the extensions, each
 * line ending in CRLF.  Missing fields are left out.
 */
char *
mts_policy_serialize (const MtsPolicy *policy)
{
  GString *s;

  g_return_val_if_fail (policy != NULL, NULL);

  s = g_string_new (NULL);
  if (policy->version != NULL)
    g_string_append_printf (s, "version: %s\r\n", policy->version);
  if (policy->has_mode)
    g_string_append_printf (s, "mode: %s\r\n", mts_policy_mode_to_string (policy->mode));
  for (guint i = 0; i < policy->mx->len; i++)
    g_string_append_printf (s, "mx: %s\r\n", (const char *) g_ptr_array_index (policy->mx, i));
  if (policy->has_max_age)
    g_string_append_printf (s, "max_age: %u\r\n", policy->max_age);
  for (guint i = 0; i < policy->extensions->len; i++)
    {
      const MtsPolicyExtension *e = g_ptr_array_index (policy->extensions, i);

      g_string_append_printf (s, "%s: %s\r\n", e->key, e->value);
    }
  return g_string_free (s, FALSE);
}

/**
 * mts_policy_check_mx:
 * @policy: a policy
 * @mx_hosts: (array zero-terminated=1): the host names of the domain's MX records
 * @diagnostics: where to add the findings
 *
 * The coverage check of mts_mx_coverage_check() for @policy.  A policy
 * without a (valid) mode is judged as if it were in enforce mode, the one
 * it must be ready for: the messages then say what happens in enforce.
 */
void
mts_policy_check_mx (const MtsPolicy   *policy,
                     const char *const *mx_hosts,
                     GPtrArray         *diagnostics)
{
  g_autoptr(GPtrArray) patterns = NULL;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (diagnostics != NULL);

  patterns = g_ptr_array_new ();
  for (guint i = 0; i < policy->mx->len; i++)
    g_ptr_array_add (patterns, g_ptr_array_index (policy->mx, i));
  g_ptr_array_add (patterns, NULL);

  mts_mx_coverage_check (policy->has_mode ? policy->mode : MTS_POLICY_MODE_ENFORCE,
                         (const char *const *) patterns->pdata, mx_hosts, diagnostics);
}
