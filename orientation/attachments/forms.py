"""The upload form."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired

from orientation.forms import BaseForm


class AttachmentForm(BaseForm):
    document = FileField(
        "Document à joindre",
        validators=[FileRequired("Choisissez un fichier.")],
        description="PDF, JPEG, PNG, ODT ou DOCX, 10 Mo au plus. Joignez seulement ce qui est "
        "nécessaire à l'accompagnement.",
    )
