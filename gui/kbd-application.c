/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kbd-application.h"
#include "kbd-window.h"

struct _KbdApplication
{
  AdwApplication parent_instance;

  KbdCatalog *catalog;
  KbdHistory *history;
  KbdIndex *index;
  GCancellable *index_cancellable;
  GSettings *settings;
  gboolean loaded;
  gboolean indexing;
  gboolean index_ready;
  guint index_done;
  guint index_total;
  guint load_source;
};

G_DEFINE_FINAL_TYPE (KbdApplication, kbd_application, ADW_TYPE_APPLICATION)

static KbdWindow *
get_window (KbdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return KBD_IS_WINDOW (window) ? KBD_WINDOW (window) : NULL;
}

static void
history_write_failed_cb (KbdHistory     *history,
                         const GError   *error,
                         KbdApplication *self)
{
  KbdWindow *window = get_window (self);
  g_autofree char *message = g_strdup_printf (_("A step could not be saved yet; retrying. %s"), error->message);

  if (window != NULL)
    kbd_window_toast (window, message);
}

/* The index ------------------------------------------------------------------- */

static void
index_progress_cb (guint    done,
                   guint    total,
                   gpointer user_data)
{
  KbdApplication *self = user_data;
  KbdWindow *window = get_window (self);

  self->index_done = done;
  self->index_total = total;
  if (window != NULL)
    kbd_window_index_progress (window, done, total);
}

static void
index_updated_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KbdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  KbdWindow *window;

  self->indexing = FALSE;
  g_clear_object (&self->index_cancellable);
  if (!kbd_index_update_finish (KBD_INDEX (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* A failed update leaves the index as it was: still worth searching. */
  self->index_ready = TRUE;
  window = get_window (self);
  if (window == NULL)
    return;
  kbd_window_index_finished (window);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The article index could not be updated: %s"), error->message);
      kbd_window_toast (window, message);
    }
}

/* Brings the article index up to date with the catalog's folders in a
 * worker thread; the window shows how far it has come, and searches the
 * index once it is done. */
static void
start_indexing (KbdApplication *self)
{
  g_autoptr(GError) error = NULL;
  KbdWindow *window = get_window (self);

  self->index = kbd_index_new (g_getenv ("KBDECIDE_INDEX"), &error);
  if (self->index == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The article index cannot be opened: %s"), error->message);
      if (window != NULL)
        kbd_window_toast (window, message);
      return;
    }
  if (kbd_index_get_notice (self->index) != NULL && window != NULL)
    kbd_window_toast (window, kbd_index_get_notice (self->index));

  self->index_cancellable = g_cancellable_new ();
  self->indexing = TRUE;
  self->index_done = self->index_total = 0;
  kbd_index_update_async (self->index, kbd_catalog_get_directories (self->catalog), self->index_cancellable,
                          index_progress_cb, g_object_ref (self), g_object_unref,
                          index_updated_cb, g_object_ref (self));
  if (window != NULL)
    kbd_window_index_progress (window, 0, 0);
}

static void
stop_indexing (KbdApplication *self)
{
  if (self->index_cancellable != NULL)
    g_cancellable_cancel (self->index_cancellable);
}

/* The article library and the history are read after the first frame is
 * on screen, so starting is as fast as showing an empty window. */
void
kbd_application_load (KbdApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) folders = NULL;
  const char *history_path = g_getenv ("KBDECIDE_HISTORY");
  KbdWindow *window = get_window (self);

  g_return_if_fail (KBD_IS_APPLICATION (self));

  g_clear_handle_id (&self->load_source, g_source_remove);
  if (self->loaded)
    return;
  self->loaded = TRUE;

  folders = g_settings_get_strv (self->settings, "kb-folders");
  for (guint i = 0; folders[i] != NULL; i++)
    kbd_catalog_add_directory (self->catalog, folders[i]);
  kbd_catalog_add_default_directories (self->catalog);
  if (!kbd_catalog_scan (self->catalog, NULL, &error))
    g_warning ("Cannot read the article folders: %s", error->message);
  g_clear_error (&error);

  self->history = kbd_history_new (history_path, &error);
  if (self->history == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The history cannot be opened: %s"), error->message);
      if (window != NULL)
        kbd_window_toast (window, message);
    }
  else
    {
      g_signal_connect (self->history, "write-failed", G_CALLBACK (history_write_failed_cb), self);
      if (kbd_history_get_notice (self->history) != NULL && window != NULL)
        kbd_window_toast (window, kbd_history_get_notice (self->history));
    }

  if (window != NULL)
    {
      kbd_window_set_catalog (window, self->catalog);
      kbd_window_history_ready (window);
      kbd_window_offer_resume (window);
    }
  start_indexing (self);
}

static gboolean
load_cb (gpointer user_data)
{
  KbdApplication *self = user_data;

  self->load_source = 0;
  kbd_application_load (self);
  return G_SOURCE_REMOVE;
}

static KbdWindow *
ensure_window (KbdApplication *self)
{
  KbdWindow *window = get_window (self);

  if (window == NULL)
    {
      window = kbd_window_new (self);
      if (self->loaded)
        {
          kbd_window_set_catalog (window, self->catalog);
          kbd_window_history_ready (window);
          if (self->indexing)
            kbd_window_index_progress (window, self->index_done, self->index_total);
          else if (self->index_ready)
            kbd_window_index_finished (window);
        }
    }
  return window;
}

static void
kbd_application_activate (GApplication *application)
{
  KbdApplication *self = KBD_APPLICATION (application);
  KbdWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (!self->loaded && self->load_source == 0)
    self->load_source = g_idle_add_full (G_PRIORITY_LOW, load_cb, self, NULL);
}

static void
kbd_application_open (GApplication  *application,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  KbdApplication *self = KBD_APPLICATION (application);
  KbdWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  kbd_application_load (self);
  if (n_files > 0)
    kbd_window_open_file (window, files[0]);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing a window flushes the history and saves its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (app));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  KbdApplication *self = user_data;
  const char *developers[] = { "KB Decide developers", NULL };
  GtkWidget *about = adw_about_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (about), GTK_WINDOW (get_window (self)));
  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("KB Decide"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APPLICATION_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _("KB Decide developers"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _("Guided troubleshooting from knowledge-base articles, with a record of every session."));
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_translator_credits (ADW_ABOUT_WINDOW (about), _("translator-credits"));
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  KbdApplication *self = user_data;
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Sessions"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Recorded with every session in the history."));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Technician Name"));
  g_settings_bind (self->settings, "technician", row, "text", G_SETTINGS_BIND_DEFAULT);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (get_window (self)));
  gtk_window_present (GTK_WINDOW (window));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

static void
kbd_application_startup (GApplication *application)
{
  KbdApplication *self = KBD_APPLICATION (application);
  static const char *const quit_accels[] = { "<Control>q", NULL };
  static const char *const preferences_accels[] = { "<Control>comma", NULL };
  static const char *const close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (kbd_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

/* Indexing is for the window's search: without a window it stops, between
 * two files, keeping what it did for the next start. */
static void
kbd_application_window_removed (GtkApplication *application,
                                GtkWindow      *window)
{
  KbdApplication *self = KBD_APPLICATION (application);

  GTK_APPLICATION_CLASS (kbd_application_parent_class)->window_removed (application, window);
  if (gtk_application_get_windows (application) == NULL)
    stop_indexing (self);
}

static void
kbd_application_shutdown (GApplication *application)
{
  KbdApplication *self = KBD_APPLICATION (application);

  stop_indexing (self);

  if (self->history != NULL)
    kbd_history_flush (self->history, NULL);

  G_APPLICATION_CLASS (kbd_application_parent_class)->shutdown (application);
}

static void
kbd_application_dispose (GObject *object)
{
  KbdApplication *self = KBD_APPLICATION (object);

  g_clear_handle_id (&self->load_source, g_source_remove);
  stop_indexing (self);
  g_clear_object (&self->index_cancellable);
  g_clear_object (&self->index);
  g_clear_object (&self->history);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kbd_application_parent_class)->dispose (object);
}

static void
kbd_application_class_init (KbdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = kbd_application_dispose;
  app_class->startup = kbd_application_startup;
  app_class->shutdown = kbd_application_shutdown;
  app_class->activate = kbd_application_activate;
  app_class->open = kbd_application_open;
  gtk_app_class->window_removed = kbd_application_window_removed;
}

static void
kbd_application_init (KbdApplication *self)
{
  self->catalog = kbd_catalog_new ();
  self->settings = g_settings_new ("io.github.kbdecide.KbDecide");
}

KbdApplication *
kbd_application_new (void)
{
  return g_object_new (KBD_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/kbdecide/KbDecide",
                       NULL);
}

KbdCatalog *
kbd_application_get_catalog (KbdApplication *self)
{
  g_return_val_if_fail (KBD_IS_APPLICATION (self), NULL);
  return self->catalog;
}

KbdHistory *
kbd_application_get_history (KbdApplication *self)
{
  g_return_val_if_fail (KBD_IS_APPLICATION (self), NULL);
  return self->history;
}

/* The article index, once opened; search it when
 * kbd_application_get_index_ready() says so. */
KbdIndex *
kbd_application_get_index (KbdApplication *self)
{
  g_return_val_if_fail (KBD_IS_APPLICATION (self), NULL);
  return self->index;
}

gboolean
kbd_application_get_index_ready (KbdApplication *self)
{
  g_return_val_if_fail (KBD_IS_APPLICATION (self), FALSE);
  return self->index != NULL && self->index_ready;
}

gboolean
kbd_application_get_indexing (KbdApplication *self)
{
  g_return_val_if_fail (KBD_IS_APPLICATION (self), FALSE);
  return self->indexing;
}
