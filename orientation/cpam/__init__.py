"""CPAM — renoncement aux soins: the Mission d'Accompagnement en Santé (MAS) cases, and santé beyond the CPAM.

Design decisions (issue #6):

- *On top of the orientation lifecycle.* A saisine is a normal orientation (referrals.operations
  .create_orientation) from the détecteur's organisation to the MAS service of the directory, plus a
  `MasCase` (one per saisine) holding what the CPAM needs: kinds of care, reasons, urgency, call
  preferences, the steps (first contact with `ContactAttempt` rows, rights review per right in
  `MasRightReview`, practitioners, financial arrangement, follow-up), internal notes (`MasNote`) and
  the closure outcome with its reason. The orientation's status is never written here: every move
  goes through `lifecycle.transition()` (see `operations.ORIENTATION_FOR_STAGE` and
  `operations.closing_transition`), so the case stage and the orientation status stay in step:
  new ↔ sent, contacting/unreachable ↔ received, any working step ↔ in progress, closed ↔ a closed
  status (completed met / partly met for "soins réalisés", declined or abandoned with the reason
  that fits otherwise).
- *MAS teams and routing.* A `MasTeam` marks one directory service (received by a CPAM-type
  organisation) as a MAS queue. A saisine goes to the team whose service's zone d'éligibilité names
  the person's commune, else the person's EPCI, else the département ("84"); several teams can
  share the département. Conseillers are the members of the team's CPAM organisation.
- *Détecteurs.* "Any trained partner user": any member of a partner organisation that is not a CPAM
  (the rule lives in one predicate, `permissions.can_file_saisine`, so a training flag can replace it
  later). The consent to be contacted by the CPAM is a people `Consent` (scope santé, purpose MAS)
  recorded by every saisine: no saisine without it.
- *Need to know.* The détecteur's organisation sees the cases it filed: what it sent, the steps
  reached, the public timeline and the outcome with its reason — never internal notes, call notes,
  nor the rights review (CSS, AME… reveal income and residence status). CPAM members see every case
  of their teams. Coordinators (and everyone else) see only the dashboard, without personal data
  and with counts under 5 hidden. Every page that shows a person is logged in the access log.
- *Reminders* (rules in `followups`, run by the follow-up engine's sweep): no first contact after 5
  working days → alert to the team; no progress for 60 days → follow-up to the team (again after
  each progress); at closure the détecteur is told the outcome (queued by `close_case`, in the
  outbox, delivered after the commit).
- *Santé beyond the CPAM.* A "pas de médecin traitant" need is oriented the normal way to a centre
  de santé départemental; `declare_medecin_traitant` closes it as met and records a
  `MedecinTraitantDeclaration` (who, when, which organisation), counted by the steering figures.
"""
