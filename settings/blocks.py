"""The base of every settings block: one `MOVIES_*` prefix, read from the environment or a `.env`
file by pydantic-settings, or from a mapping a caller hands over (a test, or a configuration that
is not this process's own environment)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Self

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

# True while `Block.read` builds a block from a mapping: the process environment is then not read.
_FROM_MAPPING: ContextVar[bool] = ContextVar("settings_from_mapping", default=False)


class Block(BaseSettings):
    """Settings under one environment prefix; an empty variable counts as unset."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then `.env`; arguments alone inside `read(mapping)`."""
        if _FROM_MAPPING.get():
            return (init_settings,)
        return (init_settings, env_settings, dotenv_settings, file_secret_settings)

    @classmethod
    def read(cls, env: Mapping[str, str] | None = None) -> Self:
        """The block from this process's environment (and `.env`), or from `env` alone when given."""
        if env is None:
            return cls()
        prefix = str(cls.model_config.get("env_prefix", "")).upper()
        values = {
            key[len(prefix) :].lower(): value
            for key, value in env.items()
            if key.upper().startswith(prefix) and value
        }
        with _mapping_only():
            return cls(**values)


@contextmanager
def _mapping_only() -> Iterator[None]:
    token = _FROM_MAPPING.set(True)
    try:
        yield
    finally:
        _FROM_MAPPING.reset(token)
