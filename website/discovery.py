"""Find each app's contribution to a site-wide command without naming the app.

An app contributes to `setup_site` with a `setup.py`, to `seed_demo` with a `demo.py`, to
`seed_scale` with a `scale.py` and to the benchmarks with a `bench.py`. They run in the order of
INSTALLED_APPS, so an app always runs after the apps it builds on.
"""

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def contributions(module_name: str) -> Iterator[ModuleType]:
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, module_name):
            yield import_module(f"{app_config.name}.{module_name}")
