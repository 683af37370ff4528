from sqlmodel import Field, SQLModel


class Country(SQLModel, table=True):
    """A UN member state or a recorded non-member territory.

    Names shown to people come from Babel's locale data by `iso2`; `name_en` is kept only
    as a fallback for territories Babel has no name for.
    """

    iso2: str = Field(primary_key=True, min_length=2, max_length=2)
    iso3: str = Field(max_length=3, unique=True)
    m49: int | None = Field(default=None, unique=True)
    name_en: str = Field(max_length=120)
    regional_group: str | None = Field(default=None, max_length=8, index=True)
    m49_region: str | None = Field(default=None, max_length=40)
    m49_subregion: str | None = Field(default=None, max_length=60)
    m49_intermediate_region: str | None = Field(default=None, max_length=60)
    is_un_member: bool = Field(default=True)
    ldc: bool = Field(default=False)
    lldc: bool = Field(default=False)
    sids: bool = Field(default=False)
