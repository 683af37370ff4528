"""The five UN regional groups IPBES reports by. Codes are stored; labels are translated."""

from flask_babel import lazy_gettext as _l

REGIONAL_GROUPS = {
    "AFR": _l("African States"),
    "APAC": _l("Asia-Pacific States"),
    "EEG": _l("Eastern European States"),
    "GRULAC": _l("Latin American and Caribbean States"),
    "WEOG": _l("Western European and other States"),
}

# How the checked reference file names each group.
GROUP_CODE_BY_FILE_NAME = {
    "African Group": "AFR",
    "Asia-Pacific Group": "APAC",
    "Eastern European Group": "EEG",
    "Latin American and Caribbean Group": "GRULAC",
    "Western European and Others Group": "WEOG",
}


def regional_group_label(code: str | None) -> str:
    return str(REGIONAL_GROUPS[code]) if code in REGIONAL_GROUPS else ""
