"""Reference tables: the communes and EPCI a person, structure or service is placed in."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orientation import french
from orientation.extensions import db


class Epci(db.Model):
    __tablename__ = "epci"

    siren: Mapped[str] = mapped_column(sa.String(9), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10))  # CA, CC, METRO…

    communes: Mapped[list[Commune]] = relationship(back_populates="epci", order_by=lambda: french.by_name(Commune.name))

    def __repr__(self) -> str:
        return f"<Epci {self.siren}>"


class Commune(db.Model):
    __tablename__ = "communes"

    code_insee: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    postal_codes: Mapped[str] = mapped_column(sa.String(100))  # comma-separated
    population: Mapped[int | None]
    epci_siren: Mapped[str | None] = mapped_column(sa.ForeignKey("epci.siren"), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # True when the centre is the EPCI's weighted centre, not the commune's own (see data/README.md)
    position_is_approximate: Mapped[bool] = mapped_column(default=False)

    epci: Mapped[Epci | None] = relationship(back_populates="communes")

    @property
    def label(self) -> str:
        first_postal_code = self.postal_codes.split(",")[0]
        return f"{self.name} ({first_postal_code})"

    def __repr__(self) -> str:
        return f"<Commune {self.code_insee}>"
