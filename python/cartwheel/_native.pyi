from collections.abc import Mapping, Sequence
from typing import TypeAlias

__all__ = [
    "CartwheelError",
    "__version__",
    "build_editable",
    "build_sdist",
    "build_wheel",
    "cli_main",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
    "validate_rst",
]
__version__: str

_ConfigSettings: TypeAlias = Mapping[str, str | Sequence[str]] | None

class CartwheelError(Exception): ...

def build_wheel(
    wheel_directory: str, config_settings: _ConfigSettings = None, metadata_directory: str | None = None
) -> str: ...
def build_sdist(sdist_directory: str, config_settings: _ConfigSettings = None) -> str: ...
def build_editable(
    wheel_directory: str, config_settings: _ConfigSettings = None, metadata_directory: str | None = None
) -> str: ...
def get_requires_for_build_wheel(config_settings: _ConfigSettings = None) -> list[str]: ...
def get_requires_for_build_sdist(config_settings: _ConfigSettings = None) -> list[str]: ...
def get_requires_for_build_editable(config_settings: _ConfigSettings = None) -> list[str]: ...
def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: _ConfigSettings = None) -> str: ...
def prepare_metadata_for_build_editable(metadata_directory: str, config_settings: _ConfigSettings = None) -> str: ...
def cli_main(argv: Sequence[str]) -> int: ...
def validate_rst(text: str) -> list[tuple[int | None, str, str]]: ...
