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
     "evidence; then “Ready for enforce.” or “Not ready for enforce yet.”; then, when a "
     "switch of mode begun in the wizard is not finished, a line “Switch under way: …” with "
     "its kind, new id, start date, the steps done and, for a removal, the date to wait for.\n"
     "\n"
     "JSON output: {\"domain\", \"mode\", \"state\", \"ready\": bool, \"items\": [{\"id\", "
     "\"title\", \"status\" (\"met\", \"not-met\" or \"unknown\"), \"evidence\"}], "
     "\"pending_switch\": null or {\"kind\" (\"enforce\", \"testing\" or \"remove\"), "
     "\"started\", \"previous_id\", \"new_id\", \"mode\", \"max_age\", \"old_max_age\", "
     "\"wait_until\", \"applied\": bool, \"done_steps\": [...]}}.\n"
     "\n"
     "Exit status: 0 when ready, 1 when not yet, 2 when there is no project for DOMAIN or it "
     "cannot be read."),
  run_status,
};

static void
add_date (JsonBuilder *builder,
          GDateTime   *date)
{
  g_autofree char *text = date != NULL ? g_date_time_format_iso8601 (date) : NULL;

  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
add_switch (JsonBuilder            *builder,
            const MtsProjectSwitch *pending)
{
  if (pending == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, pending->kind);
  json_builder_set_member_name (builder, "started");
  add_date (builder, pending->started);
  json_builder_set_member_name (builder, "previous_id");
  if (pending->previous_id != NULL)
    json_builder_add_string_value (builder, pending->previous_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "new_id");
  json_builder_add_string_value (builder, pending->new_id);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, mts_policy_mode_to_string (pending->mode));
  json_builder_set_member_name (builder, "max_age");
  json_builder_add_int_value (builder, pending->max_age);
  json_builder_set_member_name (builder, "old_max_age");
  json_builder_add_int_value (builder, pending->old_max_age);
  json_builder_set_member_name (builder, "wait_until");
  add_date (builder, pending->wait_until);
  json_builder_set_member_name (builder, "applied");
  json_builder_add_boolean_value (builder, pending->applied);
  json_builder_set_member_name (builder, "done_steps");
  json_builder_begin_array (builder);
  for (guint i = 0; pending->done_steps != NULL && pending->done_steps[i] != NULL; i++)
    json_builder_add_string_value (builder, pending->done_steps[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
print_switch (const MtsProjectSwitch *pending)
{
  g_autofree char *started = NULL;
  g_autofree char *done = NULL;
  const char *kind;

  if (pending == NULL)
    return;
  if (g_str_equal (pending->kind, "enforce"))
    kind = _("to enforce");
  else if (g_str_equal (pending->kind, "testing"))
    kind = _("back to testing");
  else
    kind = _("removal of MTA-STS");
  started = g_date_time_format (pending->started, "%Y-%m-%d %H:%M UTC");
  done = pending->done_steps != NULL && pending->done_steps[0] != NULL
           ? g_strjoinv (", ", pending->done_steps) : g_strdup (_("none"));
  /* Translators: "Switch under way: to enforce, new id 20261206T2200, begun 2026-12-06 22:00
   * UTC; steps done: publish-policy, verify-policy." */
  printf (_("Switch under way: %s, new id %s, begun %s; steps done: %s.\n"),
          kind, pending->new_id, started, done);
  if (pending->wait_until != NULL)
    {
      g_autofree char *until = g_date_time_format (pending->wait_until, "%Y-%m-%d %H:%M UTC");

      printf (_("Wait until %s before removing the records.\n"), until);
    }
  printf (_("Continue it in the wizard, on the Progress step.\n"));
}

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
      json_builder_set_member_name (builder, "pending_switch");
      add_switch (builder, mts_project_get_pending_switch (project));
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
      print_switch (mts_project_get_pending_switch (project));
    }
  return readiness->ready ? MTS_EXIT_OK : MTS_EXIT_PROBLEMS;
}
