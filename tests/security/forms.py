"""The WTForms classes of the app, found by walking the `orientation` package, and their free-text fields."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

from wtforms import Form, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import orientation


@cache
def form_classes() -> dict[str, type[Form]]:
    for module in pkgutil.walk_packages(orientation.__path__, "orientation."):
        importlib.import_module(module.name)
    found, pending = {}, list(Form.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("orientation."):
            found[cls.__name__] = cls
    return found


def fields_of(form_class: type[Form]) -> dict[str, UnboundField]:
    return {name: value for name, value in inspect.getmembers(form_class) if isinstance(value, UnboundField)}


def free_text_fields(form_class: type[Form]) -> list[str]:
    """Fields a user types into (or can forge, like hidden fields): everything string-like but passwords."""
    return sorted(
        name
        for name, field in fields_of(form_class).items()
        if issubclass(field.field_class, StringField)
        and not issubclass(field.field_class, PasswordField)
        and name != "csrf_token"
    )


def plain_text_fields(form_class: type[Form]) -> list[str]:
    """Free-text fields with no format of their own (not e-mail, URL, hidden…): any text is stored."""
    return [
        name
        for name in free_text_fields(form_class)
        if fields_of(form_class)[name].field_class in (StringField, TextAreaField)
    ]
