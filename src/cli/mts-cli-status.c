/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-cli-status.c: "mtasts status": is a domain ready for enforce? The readiness checklist. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "core/mts-domain.h"
#include "core/mts-project-store.h"
#include "core/mts-readiness.h"
#include "mts-cli-private.h"

static int run_status (int argc, char **argv);

const MtsCliCommand mts_cli_status_command = {
  "status", N_("[--json] DOMAIN"),
  N_("Say whether a domain is ready for enforce, and why"),
  /* xgettext:no-c-format */
  N_("Reads the project of DOMAIN (the file the wizard and “mtasts import” write) and "
     "prints the readiness checklist, each item with its evidence, then the verdict. The "
     "items: testing-live (the testing policy verified live for at least 14 days), reports "
     "(from at least 2 reporters on at least 7 different days), no-tls-failures (no "
     "certificate or STARTTLS failure in the last 7 days, other failures below 0.1 % of "
     "sessions), mx-probes (every mail server passed the last check), mx-coverage (the "
     "policy covers every mail server), policy-certificate (the policy host’s certificate "
     "valid for 30 more days).\n"
     "\n"
     "Options:\n"
     "  --json      print one JSON object instead of text\n"
     "\n"
     "Output: one line per item, “[met]”, “[not met]” or “[unknown]”, its title and its "
     "evidence; then “Ready for enforce.” or “Not ready for enforce yet.”\n"
     "\n"
     "JSON output: {\"domain\", \"mode\", \"state\", \"ready\": bool, \"items\": [{\"id\", "
     "\"title\", \"status\" (\"met\", \"not-met\" or \"unknown\"), \"evidence\"}]}.\n"
     "\n"
     "Exit status: 0 when ready, 1 when not yet, 2 when there is no project for DOMAIN or it "
     "cannot be read."),
  run_status,
};

static int
run_status (int    argc,
            char **argv)
{
  const MtsCliCommand *self = &mts_cli_status_command;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GFile) directory = NULL;
  g_autoptr(MtsProjectStore) store = NULL;
  g_autoptr(MtsProject) project = NULL;
  g_autoptr(MtsReadiness) readiness = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  gboolean json = FALSE;
  int exit_code = MTS_EXIT_OK;
  MtsCliOption options[] = {
    { "--json", MTS_CLI_OPTION_FLAG, &json, 0 },
  };

  if (!_mts_cli_parse_options (self, options, G_N_ELEMENTS (options), argc, argv, args, &exit_code))
    return exit_code;
  if (args->len != 1)
    return _mts_cli_usage_error (self, _("give one domain"));
  if (!mts_domain_normalize (args->pdata[0], &domain, NULL, &error))
    return _mts_cli_usage_error (self, "%s", error->message);

  directory = mts_project_store_get_default_directory ();
  store = mts_project_store_new (directory);
  project = mts_project_store_open (store, domain, &error);
  if (project == NULL)
    {
      if (g_error_matches (error, MTS_PROJECT_ERROR, MTS_PROJECT_ERROR_NOT_FOUND))
        fprintf (stderr, _("mtasts: there is no project for %s yet; set it up in the wizard or "
                           "run “mtasts import %s PATH…”\n"), domain, domain);
      else
        fprintf (stderr, "mtasts: %s\n", error->message);
      return MTS_EXIT_FAILURE;
    }

  readiness = mts_readiness_evaluate (project, NULL, NULL);
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr(JsonBuilder) inner = json_builder_new_immutable ();
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;

      mts_readiness_to_json (readiness, inner);
      node = json_builder_get_root (inner);
      object = json_node_get_object (node);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "domain");
      json_builder_add_string_value (builder, domain);
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, mts_policy_mode_to_string (mts_project_get_mode (project)));
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, mts_project_state_to_string (mts_project_get_state (project)));
      json_builder_set_member_name (builder, "ready");
      json_builder_add_value (builder, json_node_copy (json_object_get_member (object, "ready")));
      json_builder_set_member_name (builder, "items");
      json_builder_add_value (builder, json_node_copy (json_object_get_member (object, "items")));
      json_builder_end_object (builder);
      _mts_cli_print_json (builder);
    }
  else
    {
      for (guint i = 0; i < readiness->items->len; i++)
        {
          const MtsReadinessItem *item = g_ptr_array_index (readiness->items, i);
          const char *mark = item->status == MTS_READINESS_MET ? _("[met]")
                             : item->status == MTS_READINESS_NOT_MET ? _("[not met]")
                             : _("[unknown]");

          printf ("%-11s %s (%s)\n            %s\n", mark, item->title, item->id, item->evidence);
        }
      printf ("%s\n", readiness->ready ? _("Ready for enforce.") : _("Not ready for enforce yet."));
    }
  return readiness->ready ? MTS_EXIT_OK : MTS_EXIT_PROBLEMS;
}
