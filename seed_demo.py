"""The demo data `flask seed-demo` adds after the accounts (core/demo.py), in order: the registry,
the surveys, the engagement records.

Imported only when that command runs (app.py), so a serving app never loads demo code.
"""

from engagement import demo as engagement_demo
from stakeholders import demo as registry_demo
from surveys import demo as survey_demo

SEEDERS = (registry_demo.seed_registry, survey_demo.seed_surveys, engagement_demo.seed_engagement)
