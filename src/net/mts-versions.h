/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-versions.h: the versions of the libraries the program runs with. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *mts_runtime_versions (void);

G_END_DECLS
