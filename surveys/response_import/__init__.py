"""Responses collected elsewhere (LimeSurvey, SurveyMonkey, KoboToolbox, REDCap, spreadsheets),
brought into a wave: read the export, map its columns and values, check, store, undo."""
