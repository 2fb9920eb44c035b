/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "kbd-history-model.h"

/**
 * KbdHistoryModel:
 *
 * The sessions of a [class@Kbd.History] as a [iface@Gio.ListModel] of
 * [class@Kbd.SessionRecord], newest first, optionally filtered.
 *
 * Made for list widgets over very large histories: the number of items is
 * one count query, and items are read a page at a time when a widget asks
 * for them, so a list of 100,000 sessions costs only what is on screen.
 * Call [method@Kbd.HistoryModel.reload] after the history changed.
 */

#define PAGE_SIZE 100
#define MAX_PAGES 32

struct _KbdHistoryModel
{
  GObject parent_instance;

  KbdHistory *history;
  KbdHistoryFilter *filter;
  guint n_items;
  GHashTable *pages;      /* page number → GPtrArray of KbdSessionRecord */
  GQueue page_order;      /* page numbers, most recently used first */
};

enum {
  PROP_0,
  PROP_HISTORY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
kbd_history_model_get_item_type (GListModel *model)
{
  return KBD_TYPE_SESSION_RECORD;
}

static guint
kbd_history_model_get_n_items (GListModel *model)
{
  return KBD_HISTORY_MODEL (model)->n_items;
}

static GPtrArray *
load_page (KbdHistoryModel *self,
           guint            page)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));

  if (records != NULL)
    {
      g_queue_remove (&self->page_order, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->page_order, GUINT_TO_POINTER (page));
      return records;
    }

  records = kbd_history_list_sessions (self->history, self->filter, page * PAGE_SIZE, PAGE_SIZE, &error);
  if (records == NULL)
    {
      g_warning ("Cannot read the history: %s", error->message);
      return NULL;
    }

  /* Keep a bounded number of pages: scrolling through everything must not
   * end up holding everything. */
  if (g_queue_get_length (&self->page_order) >= MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->page_order));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), records);
  g_queue_push_head (&self->page_order, GUINT_TO_POINTER (page));
  return records;
}

static gpointer
kbd_history_model_get_item (GListModel *model,
                            guint       position)
{
  KbdHistoryModel *self = KBD_HISTORY_MODEL (model);
  GPtrArray *records;
  guint index = position % PAGE_SIZE;

  if (position >= self->n_items)
    return NULL;

  records = load_page (self, position / PAGE_SIZE);
  if (records == NULL || index >= records->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (records, index));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = kbd_history_model_get_item_type;
  iface->get_n_items = kbd_history_model_get_n_items;
  iface->get_item = kbd_history_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (KbdHistoryModel, kbd_history_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
kbd_history_model_dispose (GObject *object)
{
  KbdHistoryModel *self = KBD_HISTORY_MODEL (object);

  g_clear_object (&self->history);
  g_clear_pointer (&self->filter, kbd_history_filter_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_queue_clear (&self->page_order);

  G_OBJECT_CLASS (kbd_history_model_parent_class)->dispose (object);
}

static void
kbd_history_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KbdHistoryModel *self = KBD_HISTORY_MODEL (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_history_model_class_init (KbdHistoryModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kbd_history_model_dispose;
  object_class->get_property = kbd_history_model_get_property;

  /**
   * KbdHistoryModel:history:
   *
   * The history the sessions come from.
   */
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, KBD_TYPE_HISTORY,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdHistoryModel:n-items:
   *
   * The number of sessions that match the filter.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbd_history_model_init (KbdHistoryModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
}

/**
 * kbd_history_model_new:
 * @history: a history
 * @filter: (nullable): which sessions to show; %NULL for all
 *
 * Creates a model of @history's sessions, newest first.
 *
 * Returns: (transfer full): the model
 */
KbdHistoryModel *
kbd_history_model_new (KbdHistory       *history,
                       KbdHistoryFilter *filter)
{
  KbdHistoryModel *self;

  g_return_val_if_fail (KBD_IS_HISTORY (history), NULL);

  self = g_object_new (KBD_TYPE_HISTORY_MODEL, NULL);
  self->history = g_object_ref (history);
  self->filter = filter != NULL ? kbd_history_filter_ref (filter) : NULL;
  kbd_history_model_reload (self);
  return self;
}

/**
 * kbd_history_model_get_history:
 * @self: a model
 *
 * Gets the history whose sessions the model lists; the model keeps a
 * reference to it.
 *
 * Returns: (transfer none): the history
 */
KbdHistory *
kbd_history_model_get_history (KbdHistoryModel *self)
{
  g_return_val_if_fail (KBD_IS_HISTORY_MODEL (self), NULL);
  return self->history;
}

/**
 * kbd_history_model_set_filter:
 * @self: a model
 * @filter: (nullable): which sessions to show; %NULL for all
 *
 * Shows the sessions that match @filter instead.
 */
void
kbd_history_model_set_filter (KbdHistoryModel  *self,
                              KbdHistoryFilter *filter)
{
  g_return_if_fail (KBD_IS_HISTORY_MODEL (self));

  if (filter != NULL)
    kbd_history_filter_ref (filter);
  g_clear_pointer (&self->filter, kbd_history_filter_unref);
  self->filter = filter;
  kbd_history_model_reload (self);
}

/**
 * kbd_history_model_reload:
 * @self: a model
 *
 * Reads the number of matching sessions again and forgets the pages read
 * so far, so the list shows the history as it is now.
 */
void
kbd_history_model_reload (KbdHistoryModel *self)
{
  g_autoptr(GError) error = NULL;
  guint removed;
  gint64 count;

  g_return_if_fail (KBD_IS_HISTORY_MODEL (self));

  removed = self->n_items;
  count = kbd_history_count_sessions (self->history, self->filter, &error);
  if (count < 0)
    {
      g_warning ("Cannot count the history's sessions: %s", error->message);
      count = 0;
    }

  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
  self->n_items = (guint) MIN (count, G_MAXUINT);

  if (removed > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n_items);
  if (removed != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
