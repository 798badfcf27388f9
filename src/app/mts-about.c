/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-about.c: the About window (AdwAboutDialog where libadwaita has it).
 *
 * libadwaita 1.5 added AdwAboutDialog and 1.6 deprecated AdwAboutWindow;
 * Debian 12 has 1.2.  Both have the same properties, so everything but the
 * type and the way to show it is shared.  The addresses are those of the
 * metainfo, and the release notes are its release description, sentence
 * for sentence, so they share its translations (the About test compares
 * them).
 */
#include "config.h"

/* meson.build pins ADW_VERSION_MAX_ALLOWED to 1.2; this file uses
 * AdwAboutDialog (1.5) on purpose, and only behind ADW_CHECK_VERSION, so it
 * lifts the ceiling to the libadwaita being built against (still 1.2 on
 * Debian 12).  See mts-file-chooser.c. */
#undef ADW_VERSION_MAX_ALLOWED
#define ADW_VERSION_MAX_ALLOWED ADW_ENCODE_VERSION (ADW_MAJOR_VERSION, ADW_MINOR_VERSION, 0)

#include <adwaita.h>
#include <glib/gi18n.h>

#include "mts-about.h"

#define WEBSITE "https://github.com/mtasts/wizard"
#define ISSUE_URL "https://github.com/mtasts/wizard/issues"

/* The <release> of the metainfo, as AdwAboutWindow's markup (the same
 * subset: <p>, <ul>, <li>). */
static char *
release_notes (void)
{
  const char *items[] = {
    N_("Import TLS reports from files, folders, saved mails, mbox files and Maildirs, or drop them "
       "on the window, and see sessions per day, failures by type with what to fix, by mail server "
       "and by reporter"),
    N_("A readiness checklist that says, from the evidence, when it is safe to switch to enforce"),
    N_("Switch to enforce, back to testing, or remove MTA-STS safely, step by step in the order the "
       "standard asks, with a check after each step"),
    N_("A timeline of each domain, and an overview of all your domains on the welcome page"),
    N_("A short explanation of MTA-STS for newcomers, and translations into German, French, Spanish "
       "and Dutch"),
  };
  GString *notes = g_string_new (NULL);
  g_autofree char *intro = g_markup_escape_text (_("From testing to enforce, in four more languages."), -1);

  g_string_append_printf (notes, "<p>%s</p><ul>", intro);
  for (gsize i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autofree char *item = g_markup_escape_text (_(items[i]), -1);

      g_string_append_printf (notes, "<li>%s</li>", item);
    }
  g_string_append (notes, "</ul>");
  return g_string_free (notes, FALSE);
}

/**
 * mts_about_new:
 *
 * Returns: (transfer full): an AdwAboutDialog (libadwaita 1.5 and later)
 *   or an AdwAboutWindow, filled in; show it with mts_about_present()
 */
GObject *
mts_about_new (void)
{
  static const char *developers[] = { "MTA-STS Wizard contributors", NULL };
  g_autofree char *notes = release_notes ();
  const char *translators;
  GObject *about;

#if ADW_CHECK_VERSION (1, 5, 0)
  about = g_object_new (ADW_TYPE_ABOUT_DIALOG, NULL);
#else
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "modal", TRUE, NULL);
#endif
  g_object_ref_sink (about);
  g_object_set (about,
                "application-name", _("MTA-STS Wizard"),
                "application-icon", APP_ID,
                "version", PACKAGE_VERSION,
                "developer-name", _("MTA-STS Wizard contributors"),
                "developers", developers,
                "copyright", "© 2026 MTA-STS Wizard contributors",
                "license-type", GTK_LICENSE_GPL_3_0,
                "website", WEBSITE,
                "issue-url", ISSUE_URL,
                "comments", _("Set up MTA-STS and SMTP TLS reporting for your mail domain, "
                              "step by step, on your own computer."),
                "release-notes-version", PACKAGE_VERSION,
                "release-notes", notes,
                NULL);

  /* Translators: your names, one per line (an email address in <> may
   * follow each), as you want them credited in the About window. */
  translators = _("translator-credits");
  /* Untranslated, the key itself would be listed as a translator. */
  if (!g_str_equal (translators, "translator-credits"))
    g_object_set (about, "translator-credits", translators, NULL);
  return about;
}

/**
 * mts_about_present:
 * @about: from mts_about_new()
 * @parent: (nullable): the window it is about
 */
void
mts_about_present (GObject   *about,
                   GtkWindow *parent)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (ADW_DIALOG (about), parent != NULL ? GTK_WIDGET (parent) : NULL);
#else
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_present (GTK_WINDOW (about));
#endif
}
