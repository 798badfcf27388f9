/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-preferences-window.c: where the checks ask (DNS), whom they trust (CA), and when a domain is ready.
 *
 * Two settings for admins whose network is not the internet's: a DNS server
 * other than the system's (a split-horizon setup, or to see what a public
 * resolver sees), and a private certificate authority whose certificates the
 * probes and the policy fetch accept besides the system's.  Both are
 * checked before they are saved, so a typo never silently turns every check
 * into a failure.  The Readiness page holds the thresholds of the
 * readiness checklist on the Progress step.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "net/mts-resolver.h"
#include "mts-file-chooser.h"
#include "mts-preferences-window.h"

struct _MtsPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
  GCancellable *chooser;   /* set while the file dialog is open */

  AdwEntryRow *dns_row;
  GtkLabel *dns_message;
  AdwActionRow *ca_row;
  GtkButton *ca_remove_button;
  GtkLabel *ca_message;

  GtkSpinButton *testing_days_spin;
  GtkSpinButton *min_reporters_spin;
  GtkSpinButton *min_report_days_spin;
  GtkSpinButton *recent_days_spin;
  GtkSpinButton *max_other_failures_spin;
  GtkSpinButton *cert_min_days_spin;
};

/* The readiness thresholds: each key and the spin button that shows it. */
static const struct
{
  const char *key;
  gsize offset;
} readiness_keys[] = {
  { "readiness-testing-days", G_STRUCT_OFFSET (MtsPreferencesWindow, testing_days_spin) },
  { "readiness-min-reporters", G_STRUCT_OFFSET (MtsPreferencesWindow, min_reporters_spin) },
  { "readiness-min-report-days", G_STRUCT_OFFSET (MtsPreferencesWindow, min_report_days_spin) },
  { "readiness-recent-days", G_STRUCT_OFFSET (MtsPreferencesWindow, recent_days_spin) },
  { "readiness-max-other-failures", G_STRUCT_OFFSET (MtsPreferencesWindow, max_other_failures_spin) },
  { "readiness-cert-min-days", G_STRUCT_OFFSET (MtsPreferencesWindow, cert_min_days_spin) },
};

G_DEFINE_FINAL_TYPE (MtsPreferencesWindow, mts_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
show_message (GtkLabel   *label,
              GtkWidget  *row,
              const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
  if (text != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
dns_apply_cb (MtsPreferencesWindow *self)
{
  g_autofree char *server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->dns_row))));
  g_autoptr(MtsResolver) scratch = NULL;
  g_autoptr(GError) error = NULL;

  /* The resolver's own parser decides, so the setting accepts exactly what
   * the checks will. */
  scratch = mts_resolver_new ();
  if (server[0] != '\0' && !mts_resolver_set_server (scratch, server, &error))
    {
      show_message (self->dns_message, GTK_WIDGET (self->dns_row), error->message);
      return;
    }

  show_message (self->dns_message, GTK_WIDGET (self->dns_row), NULL);
  g_settings_set_string (self->settings, "dns-server", server);
}

static void
update_ca_row (MtsPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "ca-file");

  if (path[0] == '\0')
    adw_action_row_set_subtitle (self->ca_row,
                                 _("None: only the certificate authorities this computer trusts"));
  else
    adw_action_row_set_subtitle (self->ca_row, path);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ca_remove_button), path[0] != '\0');
}

/* Checks that @file holds CA certificates before it is saved: a wrong file
 * would otherwise make every certificate look untrusted. */
gboolean
_mts_preferences_window_set_ca_file (MtsPreferencesWindow *self,
                                     GFile                *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GList) anchors = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    {
      show_message (self->ca_message, GTK_WIDGET (self->ca_row),
                    _("This file is not on this computer. Copy it to a folder here, then choose it again."));
      return FALSE;
    }

  database = g_tls_file_database_new (path, &error);
  if (database == NULL)
    {
      show_message (self->ca_message, GTK_WIDGET (self->ca_row),
                    _("This file holds no certificate in PEM format (text that begins with "
                      "“-----BEGIN CERTIFICATE-----”). Choose the CA certificate file of your "
                      "organisation."));
      return FALSE;
    }

  show_message (self->ca_message, GTK_WIDGET (self->ca_row), NULL);
  g_settings_set_string (self->settings, "ca-file", path);
  return TRUE;
}

static void
chooser_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MtsPreferencesWindow) self = user_data;
  g_autoptr(GListModel) files = mts_file_chooser_open_finish (result, NULL);

  g_clear_object (&self->chooser);
  if (files != NULL)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, 0);

      _mts_preferences_window_set_ca_file (self, file);
    }
}

static void
choose_ca_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MtsPreferencesWindow *self = MTS_PREFERENCES_WINDOW (widget);
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  gtk_file_filter_set_name (pem, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_pattern (pem, "*.cer");

  /* The file dialog goes through the portal, so this works inside the
   * Flatpak without any file system permission. */
  self->chooser = g_cancellable_new ();
  mts_file_chooser_open (GTK_WINDOW (self), MTS_FILE_CHOOSER_OPEN_FILE,
                         _("Choose a CA Certificate File"), _("_Choose"), pem, NULL,
                         self->chooser, chooser_done_cb, g_object_ref (self));
}

static void
remove_ca_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MtsPreferencesWindow *self = MTS_PREFERENCES_WINDOW (widget);

  show_message (self->ca_message, GTK_WIDGET (self->ca_row), NULL);
  g_settings_set_string (self->settings, "ca-file", "");
}

/* Whole numbers of days or reporters, shown by a spin button (a double). */
static gboolean
uint_get_mapping (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
uint_set_mapping (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) CLAMP (g_value_get_double (value) + 0.5, 0, G_MAXUINT32));
}

/* A share of the sessions (0.001), shown in percent (0.10). */
static gboolean
percent_get_mapping (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_double (variant) * 100);
  return TRUE;
}

static GVariant *
percent_set_mapping (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  return g_variant_new_double (CLAMP (g_value_get_double (value) / 100, 0, 1));
}

static void
bind_readiness (MtsPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (readiness_keys); i++)
    {
      GtkSpinButton *spin = G_STRUCT_MEMBER (GtkSpinButton *, self, readiness_keys[i].offset);
      gboolean percent = spin == self->max_other_failures_spin;

      g_settings_bind_with_mapping (self->settings, readiness_keys[i].key,
                                    gtk_spin_button_get_adjustment (spin), "value",
                                    G_SETTINGS_BIND_DEFAULT,
                                    percent ? percent_get_mapping : uint_get_mapping,
                                    percent ? percent_set_mapping : uint_set_mapping,
                                    NULL, NULL);
    }
}

static void
reset_readiness_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MtsPreferencesWindow *self = MTS_PREFERENCES_WINDOW (widget);

  for (guint i = 0; i < G_N_ELEMENTS (readiness_keys); i++)
    g_settings_reset (self->settings, readiness_keys[i].key);
}

static void
mts_preferences_window_dispose (GObject *object)
{
  MtsPreferencesWindow *self = MTS_PREFERENCES_WINDOW (object);

  /* The dialog's callback holds a reference, so it runs after this and
   * finds the chooser gone. */
  if (self->chooser != NULL)
    g_cancellable_cancel (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), MTS_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (mts_preferences_window_parent_class)->dispose (object);
}

static void
mts_preferences_window_class_init (MtsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/mts-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, dns_row);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, dns_message);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, ca_remove_button);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, ca_message);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, testing_days_spin);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, min_reporters_spin);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, min_report_days_spin);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, recent_days_spin);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, max_other_failures_spin);
  gtk_widget_class_bind_template_child (widget_class, MtsPreferencesWindow, cert_min_days_spin);
  gtk_widget_class_bind_template_callback (widget_class, dns_apply_cb);

  gtk_widget_class_install_action (widget_class, "preferences.choose-ca", NULL, choose_ca_action);
  gtk_widget_class_install_action (widget_class, "preferences.remove-ca", NULL, remove_ca_action);
  gtk_widget_class_install_action (widget_class, "preferences.reset-readiness", NULL, reset_readiness_action);
}

static void
mts_preferences_window_init (MtsPreferencesWindow *self)
{
  g_autofree char *server = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new ("io.github.mtasts.Wizard");
  server = g_settings_get_string (self->settings, "dns-server");
  gtk_editable_set_text (GTK_EDITABLE (self->dns_row), server);
  g_signal_connect_object (self->settings, "changed::ca-file", G_CALLBACK (update_ca_row), self,
                           G_CONNECT_SWAPPED);
  update_ca_row (self);
  bind_readiness (self);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->dns_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->dns_message, NULL, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->ca_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->ca_message, NULL, -1);
}

MtsPreferencesWindow *
mts_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (MTS_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
}

AdwEntryRow *
_mts_preferences_window_get_dns_row (MtsPreferencesWindow *self)
{
  return self->dns_row;
}

GtkLabel *
_mts_preferences_window_get_dns_message (MtsPreferencesWindow *self)
{
  return self->dns_message;
}

GtkLabel *
_mts_preferences_window_get_ca_message (MtsPreferencesWindow *self)
{
  return self->ca_message;
}
