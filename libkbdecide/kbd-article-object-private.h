/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kbd-article-private.h"

G_BEGIN_DECLS

struct _KbdArticle
{
  GObject parent_instance;

  char *filename;
  char *display_name;
  char *content_hash;
  GBytes *source;        /* the file's bytes, for translations */

  char *id;
  char *language;
  char *title;
  char *summary;
  guint revision;
  char *reviewed;
  char *source_publisher;
  char *source_reference;
  char *source_title;
  char **keywords;
  GPtrArray *products;   /* KbdProduct */
  GPtrArray *see_also;   /* KbdReference */
  char *start;
  GPtrArray *nodes;      /* KbdNode, file order */
  GHashTable *node_index; /* id → KbdNode, borrowed */
};

G_END_DECLS
