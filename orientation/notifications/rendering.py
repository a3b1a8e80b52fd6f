"""Context in, message out: what is stored in the outbox and how it becomes a text at delivery time.

Decision: the outbox stores *references*, not rendered content. `dump_context()` turns model
instances into `{"$ref": "User", "id": 5}` (and dates into ISO strings); `render()` reloads them
from the database when the message is delivered. So:
- no personal data beyond the recipient sits in the outbox row or in Redis, and only what a
  template explicitly uses ever leaves the database (templates never receive notes);
- the text is up to date when sent (an organisation renamed since the event, a cancelled
  appointment — the rule can re-check and cancel);
- an object deleted in between cancels the message instead of sending stale content.
Mail templates render with StrictUndefined: a missing variable fails the message (with the reason)
instead of sending "Bonjour ,".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import jinja2
from flask import current_app, has_request_context
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from orientation.extensions import db
from orientation.notifications.models import Channel

REF, DATETIME, DATE = "$ref", "$datetime", "$date"


class MissingObject(LookupError):
    """A referenced object no longer exists: the message has lost its reason to be."""


class RenderError(ValueError):
    """The template cannot be rendered (unknown template, missing variable): a permanent failure."""


@dataclasses.dataclass
class Rendered:
    subject: str
    text: str
    html: str | None = None
    signing_key: str | None = None  # webhooks: the endpoint's secret, never stored


def _model_classes() -> dict[str, type]:
    return {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}


def dump_context(context: dict) -> dict:
    """JSON-safe copy of a template context: models become references, dates ISO strings."""
    return {key: _dump(value, key) for key, value in context.items()}


def _dump(value, key: str):
    if hasattr(value, "_get_current_object"):  # current_user and other proxies
        value = value._get_current_object()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {DATE: value.isoformat()}
    if isinstance(value, list | tuple):
        return [_dump(item, key) for item in value]
    if isinstance(value, dict):
        return {str(k): _dump(v, key) for k, v in value.items()}
    mapper = getattr(type(value), "__mapper__", None)
    if mapper is not None:
        identity = mapper.primary_key_from_instance(value)
        if len(identity) != 1 or identity[0] is None:
            raise TypeError(f"context[{key!r}]: flush the {type(value).__name__} before queueing a message")
        return {REF: type(value).__name__, "id": identity[0]}
    raise TypeError(f"context[{key!r}]: {type(value).__name__} is not JSON-safe (give ids, not objects)")


def load_context(context: dict, session: Session) -> dict:
    classes = {}  # filled at the first reference: most contexts of a batch have none
    return {key: _load(value, session, classes) for key, value in context.items()}


def _load(value, session: Session, classes: dict):
    if isinstance(value, list):
        return [_load(item, session, classes) for item in value]
    if isinstance(value, dict):
        if REF in value:
            if not classes:
                classes.update(_model_classes())
            model = classes.get(value[REF])
            obj = session.get(model, value["id"]) if model else None
            if obj is None:
                raise MissingObject(f"{value[REF]} {value['id']} n'existe plus")
            return obj
        if DATETIME in value:
            return datetime.fromisoformat(value[DATETIME])
        if DATE in value:
            return date.fromisoformat(value[DATE])
        return {k: _load(v, session, classes) for k, v in value.items()}
    return value


ContextBuilder = Callable[[dict, Session], dict]
_builders: dict[str, ContextBuilder] = {}


def register_context_builder(template: str):
    """Decorator: compute a template's extra context at delivery time (from the loaded context)."""

    def register(builder: ContextBuilder) -> ContextBuilder:
        _builders[template] = builder
        return builder

    return register


def build_context(template: str, context: dict, session: Session) -> dict:
    builder = _builders.get(template)
    return builder(context, session) if builder else context


def _environment() -> jinja2.Environment:
    """The app's Jinja environment (filters, globals), strict, plus NOTIFICATIONS_TEMPLATE_FOLDERS."""
    app = current_app._get_current_object()
    env = app.extensions.get("notifications_jinja")
    if env is None:
        loader = app.jinja_env.loader
        folders = [Path(folder) for folder in app.config.get("NOTIFICATIONS_TEMPLATE_FOLDERS") or []]
        if folders:
            loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(folders), loader])
        env = app.jinja_env.overlay(undefined=jinja2.StrictUndefined, loader=loader)
        app.extensions["notifications_jinja"] = env
    return env


@contextmanager
def url_context():
    """url_for(..., _external=True) in templates needs a request: the public address stands in."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        yield


def render(channel: Channel, template: str, context: dict) -> Rendered:
    """Render `template` for `channel` with an already loaded context (RenderError on failure)."""
    env = _environment()
    context = {"public_base_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/"), **context}
    try:
        with url_context():
            return _render(env, channel, template, context)
    except jinja2.TemplateNotFound as error:
        raise RenderError(f"modèle introuvable : {error.name}") from error
    except jinja2.UndefinedError as error:
        raise RenderError(f"variable manquante dans le modèle {template} : {error.message}") from error
    except jinja2.TemplateError as error:
        raise RenderError(f"modèle {template} invalide : {error}") from error
    except SQLAlchemyError:
        raise  # the database failed while loading data: transient, retried
    except Exception as error:  # a filter given the wrong kind of value: the same on every attempt
        raise RenderError(f"rendu impossible du modèle {template} : {type(error).__name__}: {error}") from error


def _render(env: jinja2.Environment, channel: Channel, template: str, context: dict) -> Rendered:
    if channel is Channel.WEBHOOK:  # a JSON body built by the template's context builder (orientation.api)
        return Rendered(subject=context["subject"], text=context["body"], signing_key=context["signing_key"])
    if channel is Channel.SMS:
        text = env.get_template(f"sms/{template}.txt").render(context).strip()
        return Rendered(subject="", text=text)
    subject = env.get_template(f"mail/{template}.subject.txt").render(context).strip()
    text = env.get_template(f"mail/{template}.txt").render(context)
    html = env.get_template(f"mail/{template}.html").render(context)
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)


def render_subject(template: str, context: dict) -> str:
    """Only the e-mail's subject line (an in-app notification's title), from an already loaded context."""
    env = _environment()
    context = {"public_base_url": current_app.config["PUBLIC_BASE_URL"].rstrip("/"), **context}
    with url_context():
        subject = env.get_template(f"mail/{template}.subject.txt").render(context)
    return " ".join(subject.split())
