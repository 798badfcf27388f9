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
     "its output and its exit codes.\n"
     "\n"
     "Exit status: 0, or 2 when there is no such command."),
  run_help,
};

/* In the order "mtasts --help" lists them.  Each subcommand lives in its
 * own mts-cli-NAME.c and is declared in mts-cli-private.h. */
static const MtsCliCommand *const commands[] = {
  &help_command,
  &mts_cli_check_command,
  &mts_cli_probe_command,
  &mts_cli_policy_check_command,
  &mts_cli_record_check_command,
  &mts_cli_generate_command,
  &mts_cli_report_command,
  &mts_cli_import_command,
  &mts_cli_status_command,
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

/* Help is wrapped for an 80-column terminal, or at $COLUMNS - 1 when that
 * is set (build-aux/man-from-help.py sets a large value to get whole
 * paragraphs for the manual page). */
static glong
help_width (void)
{
  const char *columns = g_getenv ("COLUMNS");
  guint64 value;

  if (columns != NULL && g_ascii_string_to_unsigned (columns, 10, 40, G_MAXINT, &value, NULL))
    return (glong) value - 1;
  return 79;
}

/* Prints @text wrapped at help_width() columns.  A line that starts with
 * spaces (an option, a list item) continues under its own text, so option
 * lists stay readable. */
static void
print_wrapped (FILE       *stream,
               const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  const glong width = help_width ();

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      g_auto(GStrv) words = NULL;
      glong indent = 0, hang, column;

      while (line[indent] == ' ')
        indent++;
      /* "  --json   print …": continuation lines start under "print". */
      hang = indent;
      if (indent > 0)
        {
          const char *gap = strstr (line + indent, "  ");

          hang = gap != NULL ? g_utf8_pointer_to_offset (line, gap) + 2 : indent + 2;
          while (line[hang] == ' ')
            hang++;
          if (hang > width / 2)
            hang = indent + 2;
        }

      fprintf (stream, "%*s", (int) indent, "");
      column = indent;
      words = g_strsplit (line + indent, " ", -1);
      for (gsize j = 0; words[j] != NULL; j++)
        {
          glong length = g_utf8_strlen (words[j], -1);

          if (j > 0)
            {
              if (column + 1 + length > width && column > hang)
                {
                  fprintf (stream, "\n%*s", (int) hang, "");
                  column = hang;
                }
              else
                {
                  fputc (' ', stream);
                  column++;
                }
            }
          fputs (words[j], stream);
          column += length;
        }
      fputc ('\n', stream);
    }
}

void
_mts_cli_print_command_help (const MtsCliCommand *command,
                             FILE                *stream)
{
  g_autofree char *usage = g_strdup_printf (_("Usage: mtasts %s %s"), command->name,
                                            _(command->synopsis));

  print_wrapped (stream, usage);
  fprintf (stream, "\n");
  print_wrapped (stream, _(command->summary));
  fprintf (stream, "\n");
  print_wrapped (stream, _(command->description));
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

/**
 * _mts_cli_parse_options:
 * @positional: (element-type utf8): receives the other arguments (not copied)
 * @exit_code: (out): when %FALSE is returned, what the command returns
 *
 * Parses "--name VALUE", "--name=VALUE", "--" and "-h"/"--help" the same
 * way for every subcommand.
 *
 * Returns: %TRUE to go on; %FALSE after printing the help (exit 0) or a
 * usage error (exit 2).
 */
gboolean
_mts_cli_parse_options (const MtsCliCommand *command,
                        const MtsCliOption  *options,
                        gsize                n_options,
                        int                  argc,
                        char               **argv,
                        GPtrArray           *positional,
                        int                 *exit_code)
{
  gboolean options_done = FALSE;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const MtsCliOption *option = NULL;
      g_autofree char *name = NULL;
      const char *value = NULL;
      const char *equals;

      if (options_done || arg[0] != '-' || g_str_equal (arg, "-"))
        {
          g_ptr_array_add (positional, (gpointer) arg);
          continue;
        }
      if (g_str_equal (arg, "--"))
        {
          options_done = TRUE;
          continue;
        }
      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          _mts_cli_print_command_help (command, stdout);
          *exit_code = MTS_EXIT_OK;
          return FALSE;
        }

      equals = strchr (arg, '=');
      name = equals != NULL ? g_strndup (arg, equals - arg) : g_strdup (arg);
      for (gsize j = 0; j < n_options && option == NULL; j++)
        if (g_str_equal (options[j].name, name))
          option = &options[j];
      if (option == NULL)
        {
          *exit_code = _mts_cli_usage_error (command, _("unknown option “%s”"), name);
          return FALSE;
        }

      if (option->kind == MTS_CLI_OPTION_FLAG)
        {
          if (equals != NULL)
            {
              *exit_code = _mts_cli_usage_error (command, _("%s takes no value"), name);
              return FALSE;
            }
          *(gboolean *) option->value = TRUE;
          continue;
        }

      if (equals != NULL)
        value = equals + 1;
      else if (i + 1 < argc)
        value = argv[++i];
      if (value == NULL || value[0] == '\0')
        {
          *exit_code = _mts_cli_usage_error (command, _("%s needs a value"), name);
          return FALSE;
        }

      switch (option->kind)
        {
        case MTS_CLI_OPTION_STRING:
          g_free (*(char **) option->value);
          *(char **) option->value = g_strdup (value);
          break;
        case MTS_CLI_OPTION_STRINGS:
          g_ptr_array_add (option->value, g_strdup (value));
          break;
        case MTS_CLI_OPTION_UINT:
          {
            guint64 number = 0;

            if (!g_ascii_string_to_unsigned (value, 10, 1, option->max, &number, NULL))
              {
                *exit_code = _mts_cli_usage_error (command,
                                                   _("%s needs a whole number from 1 to %u, not “%s”"),
                                                   name, option->max, value);
                return FALSE;
              }
            *(guint *) option->value = (guint) number;
          }
          break;
        case MTS_CLI_OPTION_FLAG:
        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

/* Prints the builder's value as indented JSON and a newline on stdout. */
void
_mts_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
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
