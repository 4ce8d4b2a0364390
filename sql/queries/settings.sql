-- settings: one row per session setting (pir_settings, as the session's
-- config shadows it): key and value, NULL when unset. No parameters.
SELECT key, value FROM pir_settings ORDER BY key;
