/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli.c: the mtasts command line: dispatch, --help, --version.
 *
 * Every subcommand shares the same contract, so scripts can rely on it:
 * exit 0 when all is good, 1 when problems were found, 2 when the command
 * could not run (bad usage, unreadable input).  Usage errors print one line
 * saying what was wrong, then the usage, on stderr.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "net/mts-versions.h"
#include "mts-cli-private.h"

static int run_help (int argc, char **argv);

static const MtsCliCommand help_command = {
  "help", N_("[COMMAND]"),
  N_("Describe mtasts, or one of its commands"),
  N_("Without a COMMAND, lists the commands. With one, describes its options, "
     "its output and its exit codes."),
  run_help,
};

/* In the order "mtasts --help" lists them.  Each subcommand lives in its
 * own mts-cli-NAME.c and is declared in mts-cli-private.h. */
static const MtsCliCommand *const commands[] = {
  &help_command,
  &mts_cli_policy_check_command,
  &mts_cli_record_check_command,
  &mts_cli_generate_command,
};

static const MtsCliCommand *
find_command (int     argc,
              char  **argv,
              int    *n_words)
{
  /* Two-word names ("policy check") win over one-word ones. */
  if (argc >= 2)
    {
      g_autofree char *two = g_strdup_printf ("%s %s", argv[0], argv[1]);

      for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
        if (g_str_equal (commands[i]->name, two))
          {
            *n_words = 2;
            return commands[i];
          }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (argc >= 1 && g_str_equal (commands[i]->name, argv[0]))
      {
        *n_words = 1;
        return commands[i];
      }
  return NULL;
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: mtasts [--version] [--help] COMMAND [ARGUMENTS…]"));
}

static void
print_help (FILE *stream)
{
  print_usage (stream);
  fprintf (stream, "\n%s\n\n%s\n",
           _("Set up and check MTA-STS (RFC 8461) and SMTP TLS reporting (RFC 8460)."),
           _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-16s %s\n", commands[i]->name, _(commands[i]->summary));
  fprintf (stream, "\n%s\n  %-16s %s\n  %-16s %s\n",
           _("Options:"),
           "-h, --help", _("Show this help"),
           "--version", _("Show the version of mtasts and of the libraries it uses"));
  fprintf (stream, "\n%s\n%s\n",
           _("Exit status: 0 all good, 1 problems found, 2 could not run (usage or input/output error)."),
           _("Run “mtasts help COMMAND” to learn about a command."));
}

void
_mts_cli_print_command_help (const MtsCliCommand *command,
                             FILE                *stream)
{
  fprintf (stream, _("Usage: mtasts %s %s"), command->name, _(command->synopsis));
  fprintf (stream, "\n\n%s\n\n%s\n", _(command->summary), _(command->description));
  fprintf (stream, "\n%s\n",
           _("Exit status: 0 all good, 1 problems found, 2 could not run (usage or input/output error)."));
}

int
_mts_cli_usage_error (const MtsCliCommand *command,
                      const char          *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "mtasts: %s\n", message);
  if (command != NULL)
    fprintf (stderr, _("Usage: mtasts %s %s\n"), command->name, _(command->synopsis));
  else
    print_usage (stderr);
  return MTS_EXIT_FAILURE;
}

static int
run_help (int    argc,
          char **argv)
{
  const MtsCliCommand *command;
  int n_words = 0;

  if (argc == 1)
    {
      print_help (stdout);
      return MTS_EXIT_OK;
    }

  command = find_command (argc - 1, argv + 1, &n_words);
  if (command == NULL || 1 + n_words != argc)
    {
      g_autofree char *name = g_strjoinv (" ", argv + 1);

      return _mts_cli_usage_error (NULL, _("there is no command “%s”; “mtasts help” lists them"), name);
    }

  _mts_cli_print_command_help (command, stdout);
  return MTS_EXIT_OK;
}

static void
print_version (void)
{
  g_autofree char *versions = mts_runtime_versions ();

  printf ("mtasts %s\n%s", PACKAGE_VERSION, versions);
}

/**
 * mts_cli_run:
 * @argc: as given to main()
 * @argv: as given to main()
 *
 * Returns: the process exit code, an #MtsExitCode.
 */
int
mts_cli_run (int    argc,
             char **argv)
{
  const MtsCliCommand *command;
  int n_words = 0;
  int i;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("mtasts");

  /* Options before the command belong to mtasts itself. */
  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_help (stdout);
          return MTS_EXIT_OK;
        }
      if (g_str_equal (argv[i], "--version"))
        {
          print_version ();
          return MTS_EXIT_OK;
        }
      if (g_str_equal (argv[i], "--"))
        {
          i++;
          break;
        }
      return _mts_cli_usage_error (NULL, _("unknown option “%s”"), argv[i]);
    }

  if (i >= argc)
    return _mts_cli_usage_error (NULL, _("a command is missing; “mtasts help” lists them"));

  command = find_command (argc - i, argv + i, &n_words);
  if (command == NULL)
    return _mts_cli_usage_error (NULL, _("unknown command “%s”; “mtasts help” lists the commands"), argv[i]);

  /* The command sees its own name (all its words) as argv[0]. */
  {
    g_autoptr(GPtrArray) args = g_ptr_array_new ();

    g_ptr_array_add (args, (char *) command->name);
    for (int j = i + n_words; j < argc; j++)
      g_ptr_array_add (args, argv[j]);
    g_ptr_array_add (args, NULL);

    return command->run ((int) args->len - 1, (char **) args->pdata);
  }
}
