"""The territory reference: communes of Vaucluse with their postcodes and EPCI."""

from orientation.extensions import db
from orientation.territory.models import Commune


def test_a_commune_with_several_postcodes_keeps_them_apart(app):
    avignon = db.session.get(Commune, "84007")
    assert avignon.postal_codes == "84000,84140"
    assert avignon.label == "Avignon (84000)"
