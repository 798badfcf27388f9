/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-welcome-page.c: the first page: what the wizard does, and the domain.
 *
 * The entry accepts what people type and paste.  The core's normaliser
 * decides; this page only shows its verdict: a message under the entry
 * that says what to type instead, or, for an international name, the
 * A-label that DNS will use.  Start stays disabled until the name is good.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "core/mts-domain.h"
#include "mts-window-private.h"

struct _MtsWelcomePage
{
  AdwBin parent_instance;

  AdwEntryRow *domain_row;
  GtkLabel *message_label;
  GtkButton *start_button;

  /* The accepted domain as A-labels, or NULL while the entry is not one. */
  char *domain;
};

G_DEFINE_FINAL_TYPE (MtsWelcomePage, mts_welcome_page, ADW_TYPE_BIN)

enum {
  START,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_message (MtsWelcomePage *self,
              const char     *text,
              gboolean        is_error)
{
  gtk_label_set_text (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);

  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->domain_row), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->domain_row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->domain_row), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->domain_row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
domain_changed_cb (MtsWelcomePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->domain_row));
  g_autofree char *ascii = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->domain, g_free);

  if (text[0] == '\0')
    {
      /* An empty entry is not a mistake yet: no message. */
      show_message (self, NULL, FALSE);
    }
  else if (!mts_domain_normalize (text, &ascii, &display, &error))
    {
      show_message (self, error->message, TRUE);
    }
  else
    {
      if (!g_str_equal (ascii, display))
        {
          g_autofree char *hint = g_strdup_printf (_("%s is written %s in DNS records."),
                                                   display, ascii);
          show_message (self, hint, FALSE);
        }
      else
        show_message (self, NULL, FALSE);

      self->domain = g_steal_pointer (&ascii);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.start", self->domain != NULL);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MtsWelcomePage *self = MTS_WELCOME_PAGE (widget);

  if (self->domain != NULL)
    g_signal_emit (self, signals[START], 0, self->domain);
}

static void
entry_activated_cb (MtsWelcomePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "welcome.start", NULL);
}

static void
mts_welcome_page_finalize (GObject *object)
{
  MtsWelcomePage *self = MTS_WELCOME_PAGE (object);

  g_clear_pointer (&self->domain, g_free);

  G_OBJECT_CLASS (mts_welcome_page_parent_class)->finalize (object);
}

static void
mts_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MTS_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (mts_welcome_page_parent_class)->dispose (object);
}

static void
mts_welcome_page_class_init (MtsWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mts_welcome_page_dispose;
  object_class->finalize = mts_welcome_page_finalize;

  /**
   * MtsWelcomePage::start:
   * @domain: the domain as lower-case A-labels
   *
   * The user asked to set up @domain.
   */
  signals[START] = g_signal_new ("start", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/mts-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, domain_row);
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, message_label);
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, start_button);
  gtk_widget_class_bind_template_callback (widget_class, domain_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "welcome.start", NULL, start_action);
}

static void
mts_welcome_page_init (MtsWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Screen readers read the message with the entry it is about. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->domain_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->message_label, NULL,
                                  -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.start", FALSE);
}

/**
 * mts_welcome_page_get_domain:
 *
 * Returns: (nullable): the accepted domain as A-labels, or %NULL.
 */
const char *
mts_welcome_page_get_domain (MtsWelcomePage *self)
{
  g_return_val_if_fail (MTS_IS_WELCOME_PAGE (self), NULL);

  return self->domain;
}

GtkEditable *
_mts_welcome_page_get_entry (MtsWelcomePage *self)
{
  return GTK_EDITABLE (self->domain_row);
}

GtkLabel *
_mts_welcome_page_get_message (MtsWelcomePage *self)
{
  return self->message_label;
}

GtkButton *
_mts_welcome_page_get_start (MtsWelcomePage *self)
{
  return self->start_button;
}
