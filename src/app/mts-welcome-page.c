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
#include "core/mts-project-store.h"
#include "mts-window-private.h"

struct _MtsWelcomePage
{
  AdwBin parent_instance;

  AdwEntryRow *domain_row;
  GtkLabel *message_label;
  GtkButton *start_button;
  GtkWidget *domains_box;
  GtkListBox *domains_list;

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
domain_activated_cb (MtsWelcomePage *self,
                     GtkListBoxRow  *row)
{
  const char *domain = g_object_get_data (G_OBJECT (row), "mts-domain");

  if (domain != NULL)
    g_signal_emit (self, signals[START], 0, domain);
}

static char *
describe_summary (const MtsProjectSummary *summary)
{
  g_autofree char *since = NULL;

  if (summary->status != MTS_PROJECT_SUMMARY_OK)
    return g_strdup (summary->message != NULL ? summary->message : _("This domain’s saved setup cannot be opened."));

  if (summary->state_since != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (summary->state_since);

      /* Translators: a date as in "12 March 2027"; see g_date_time_format(). */
      since = g_date_time_format (local, _("%-d %B %Y"));
    }

  switch (summary->state)
    {
    case MTS_PROJECT_STATE_TESTING:
      return since != NULL ? g_strdup_printf (_("Testing since %s"), since) : g_strdup (_("Testing"));
    case MTS_PROJECT_STATE_ENFORCE:
      return since != NULL ? g_strdup_printf (_("Enforced since %s"), since) : g_strdup (_("Enforced"));
    case MTS_PROJECT_STATE_REMOVING:
      return since != NULL ? g_strdup_printf (_("Being removed since %s"), since) : g_strdup (_("Being removed"));
    case MTS_PROJECT_STATE_DRAFT:
    default:
      return g_strdup (_("Draft: not published yet"));
    }
}

/**
 * mts_welcome_page_set_projects:
 * @summaries: (nullable) (element-type MtsProjectSummary): the domains set
 *   up on this computer
 *
 * Lists them under the entry, each with its state, to resume.
 */
void
mts_welcome_page_set_projects (MtsWelcomePage *self,
                               GPtrArray      *summaries)
{
  GtkWidget *child;

  g_return_if_fail (MTS_IS_WELCOME_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->domains_list))) != NULL)
    gtk_list_box_remove (self->domains_list, child);

  for (guint i = 0; summaries != NULL && i < summaries->len; i++)
    {
      const MtsProjectSummary *summary = g_ptr_array_index (summaries, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
      g_autofree char *state = describe_summary (summary);
      const char *name = summary->display_name != NULL ? summary->display_name : summary->domain;
      g_autofree char *label = g_strdup_printf ("%s: %s", name, state);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), state);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      /* A file from a newer version cannot be opened here; an unreadable
       * one can: opening it keeps the file aside and starts anew. */
      if (summary->status == MTS_PROJECT_SUMMARY_NEWER_VERSION)
        gtk_widget_set_sensitive (row, FALSE);
      else
        {
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_object_set_data_full (G_OBJECT (row), "mts-domain", g_strdup (summary->domain), g_free);
        }
      gtk_widget_set_name (row, summary->domain);
      gtk_list_box_append (self->domains_list, row);
    }
  gtk_widget_set_visible (self->domains_box, summaries != NULL && summaries->len > 0);
}

/**
 * mts_welcome_page_show_error:
 *
 * Shows why the domain could not be opened, under the entry.
 */
void
mts_welcome_page_show_error (MtsWelcomePage *self,
                             const char     *message)
{
  g_return_if_fail (MTS_IS_WELCOME_PAGE (self));

  show_message (self, message, TRUE);
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
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, domains_box);
  gtk_widget_class_bind_template_child (widget_class, MtsWelcomePage, domains_list);
  gtk_widget_class_bind_template_callback (widget_class, domain_activated_cb);
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

GtkListBox *
_mts_welcome_page_get_domains (MtsWelcomePage *self)
{
  return self->domains_list;
}
