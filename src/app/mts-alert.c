/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-alert.c: confirmations and messages (AdwAlertDialog where libadwaita has it).
 *
 * libadwaita 1.5 added AdwAlertDialog and 1.6 deprecated AdwMessageDialog;
 * Debian 12 has 1.2.  Both have a heading, a body, responses with an
 * appearance, a default and a close response, and a ::response signal, so
 * the callers share one small API and only this file knows which it is.
 * The alert shown last and not answered yet is kept for the UI tests, which
 * cannot look an AdwAlertDialog up among the toplevel windows.
 */
#include "config.h"

/* meson.build pins ADW_VERSION_MAX_ALLOWED to 1.2; this file uses
 * AdwAlertDialog (1.5) on purpose, and only behind ADW_CHECK_VERSION, so it
 * lifts the ceiling to the libadwaita being built against (still 1.2 on
 * Debian 12).  See mts-about.c and mts-file-chooser.c. */
#undef ADW_VERSION_MAX_ALLOWED
#define ADW_VERSION_MAX_ALLOWED ADW_ENCODE_VERSION (ADW_MAJOR_VERSION, ADW_MINOR_VERSION, 0)

#include <adwaita.h>

#include "mts-alert.h"

#if ADW_CHECK_VERSION (1, 5, 0)
#define ALERT(w) ADW_ALERT_DIALOG (w)
#else
#define ALERT(w) ADW_MESSAGE_DIALOG (w)
#endif

static GtkWidget *current;   /* weak */

/**
 * mts_alert_new:
 * @body: (nullable): the text under the heading
 *
 * Returns: (transfer floating): an alert with no responses yet
 */
GtkWidget *
mts_alert_new (const char *heading,
               const char *body)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  return GTK_WIDGET (adw_alert_dialog_new (heading, body));
#else
  /* The parent is set when it is presented. */
  return adw_message_dialog_new (NULL, heading, body);
#endif
}

void
mts_alert_add_response (GtkWidget  *alert,
                        const char *id,
                        const char *label,
                        gboolean    destructive)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_alert_dialog_add_response (ALERT (alert), id, label);
  if (destructive)
    adw_alert_dialog_set_response_appearance (ALERT (alert), id, ADW_RESPONSE_DESTRUCTIVE);
#else
  adw_message_dialog_add_response (ALERT (alert), id, label);
  if (destructive)
    adw_message_dialog_set_response_appearance (ALERT (alert), id, ADW_RESPONSE_DESTRUCTIVE);
#endif
}

void
mts_alert_set_default_response (GtkWidget  *alert,
                                const char *id)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_alert_dialog_set_default_response (ALERT (alert), id);
#else
  adw_message_dialog_set_default_response (ALERT (alert), id);
#endif
}

void
mts_alert_set_close_response (GtkWidget  *alert,
                              const char *id)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_alert_dialog_set_close_response (ALERT (alert), id);
#else
  adw_message_dialog_set_close_response (ALERT (alert), id);
#endif
}

const char *
mts_alert_get_heading (GtkWidget *alert)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  return adw_alert_dialog_get_heading (ALERT (alert));
#else
  return adw_message_dialog_get_heading (ALERT (alert));
#endif
}

const char *
mts_alert_get_body (GtkWidget *alert)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  return adw_alert_dialog_get_body (ALERT (alert));
#else
  return adw_message_dialog_get_body (ALERT (alert));
#endif
}

typedef struct
{
  MtsAlertResponseFunc callback;
  GWeakRef instance;
} Handler;

static void
handler_free (gpointer data,
              GClosure *closure)
{
  Handler *handler = data;

  g_weak_ref_clear (&handler->instance);
  g_free (handler);
}

static void
response_cb (GtkWidget  *alert,
             const char *response,
             Handler    *handler)
{
  g_autoptr(GObject) instance = g_weak_ref_get (&handler->instance);

  if (current == alert)
    g_clear_weak_pointer (&current);
  /* The caller went away meanwhile (a window closed): nothing to answer. */
  if (instance != NULL && handler->callback != NULL)
    handler->callback (instance, response);
}

/**
 * mts_alert_present:
 * @parent: a widget of the window the alert belongs to
 * @callback: (nullable): called with the response
 * @instance: (nullable): passed to @callback; it is not called once
 *   @instance is gone
 */
void
mts_alert_present (GtkWidget            *alert,
                   GtkWidget            *parent,
                   MtsAlertResponseFunc  callback,
                   gpointer              instance)
{
  Handler *handler = g_new0 (Handler, 1);

  handler->callback = callback;
  g_weak_ref_init (&handler->instance, instance);
  g_signal_connect_data (alert, "response", G_CALLBACK (response_cb), handler, handler_free, 0);
  g_set_weak_pointer (&current, alert);
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (ADW_DIALOG (alert), parent);
#else
  {
    GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;

    if (GTK_IS_WINDOW (root))
      gtk_window_set_transient_for (GTK_WINDOW (alert), GTK_WINDOW (root));
    gtk_window_set_modal (GTK_WINDOW (alert), TRUE);
    gtk_window_present (GTK_WINDOW (alert));
  }
#endif
}

/**
 * mts_alert_get_current:
 *
 * Returns: (transfer none) (nullable): the alert presented last and not
 *   answered yet
 */
GtkWidget *
mts_alert_get_current (void)
{
  return current;
}

/**
 * mts_alert_respond:
 *
 * Answers @alert with @response, as a click on that button would, and
 * closes it.
 */
void
mts_alert_respond (GtkWidget  *alert,
                   const char *response)
{
  g_return_if_fail (GTK_IS_WIDGET (alert));

  g_object_ref (alert);
#if ADW_CHECK_VERSION (1, 5, 0)
  g_signal_emit_by_name (alert, "response", response);
  adw_dialog_force_close (ADW_DIALOG (alert));
#else
  adw_message_dialog_response (ALERT (alert), response);
  /* A click closes it after the response; the signal alone does not. */
  if (gtk_widget_get_visible (alert))
    gtk_window_destroy (GTK_WINDOW (alert));
#endif
  g_object_unref (alert);
}
