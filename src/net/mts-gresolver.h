/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mts-gresolver.h: a GResolver that asks through an MtsResolver, for libsoup and GIO. */
#pragma once

#include <gio/gio.h>

#include "mts-resolver.h"

G_BEGIN_DECLS

#define MTS_TYPE_GRESOLVER (mts_gresolver_get_type ())

G_DECLARE_FINAL_TYPE (MtsGResolver, mts_gresolver, MTS, GRESOLVER, GResolver)

GResolver   *mts_gresolver_new             (MtsResolver  *resolver,
                                            GResolver    *fallback);
MtsResolver *mts_gresolver_get_resolver    (MtsGResolver *self);

void         mts_resolver_install_default  (MtsResolver  *resolver);

G_END_DECLS
