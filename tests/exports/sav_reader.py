"""A frictionless format plugin that reads SPSS .sav files with pyreadstat (which the platform writes them
with), for the tests: frictionless's own SPSS plugin needs savReaderWriter, unmaintained since 2017. Values
come as the file stores them (codes as numbers, not labels; the declared missing values as missing), which the release's table schema describes."""

from __future__ import annotations

import pandas as pd
import pyreadstat
from frictionless import Parser, Plugin, system
from frictionless.resources import TableResource


class SavParser(Parser):
    supported_types = ["string"]

    def read_cell_stream_create(self):
        # The codes -8 and -9 are the file's declared missing values: read as missing, as SPSS does.
        frame, _meta = pyreadstat.read_sav(self.resource.normpath, user_missing=False)
        # SPSS stores every number as a double: a field the schema says is an integer is read as one.
        for field in self.resource.schema.fields:
            if field.type == "integer" and field.name in frame:
                cells = [None if pd.isna(value) else int(round(value)) for value in frame[field.name]]
                frame[field.name] = pd.Series(cells, index=frame.index, dtype=object)
        with TableResource(data=frame, format="pandas") as resource:
            yield from resource.cell_stream


class SavPlugin(Plugin):
    def create_parser(self, resource):
        if resource.format == "sav":
            return SavParser(resource)
        return None

    def detect_resource(self, resource):
        if resource.format == "sav":
            resource.datatype = resource.datatype or "table"


def register() -> None:
    system.register("pyreadstat-sav", SavPlugin())
