"""The names /fhir/ answers with: HL7 Norway's no-basis profiles and identifier systems
(docs/fhir.md; the sources are in the project's FHIR reference notes), and fastlege's own
extensions.

no-basis fixes ``Identifier.system`` to the ``urn:oid:`` forms; the municipality number
uses the preferred URI of the NamingSystem ``no-basis-kommunenummer``. Nothing
national describes a GP list (its ceiling, free places, status), so those are
extensions under fastlege's own canonical, never under ``hl7.no``.
"""

from __future__ import annotations

FHIR_VERSION = "4.0.1"
CONTENT_TYPE = "application/fhir+json"

#: fastlege's canonical for its own definitions (extensions, search parameters, codes).
#: A canonical is a name: it need not resolve, and it must never change once published.
CANONICAL = "https://fastlege.example.no/fhir"

NO_BASIS = "http://hl7.no/fhir/StructureDefinition/"
PROFILE = {
    "Practitioner": NO_BASIS + "no-basis-Practitioner",
    "Organization": NO_BASIS + "no-basis-Organization",
    "Location": NO_BASIS + "no-basis-Location",
    "PractitionerRole": NO_BASIS + "no-basis-PractitionerRole",
}
MUNICIPALITY_CODE_EXTENSION = NO_BASIS + "no-basis-municipalitycode"

# Identifier systems (no-basis NamingSystems).
HPR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.4"  # Helsepersonellregisteret, HPR-nummer
ENH_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101"  # Enhetsregisteret, organisasjonsnummer
MUNICIPALITY_SYSTEM = "https://register.geonorge.no/sosi-kodelister/kommunenummer"

# Code lists (Volven, as urn:oid: by HL7 Norway's rule) for Practitioner.qualification.
HEALTH_PERSONNEL_CATEGORY = "urn:oid:2.16.578.1.12.4.1.1.9060"  # LE = Lege
HPR_SPECIALITY = "urn:oid:2.16.578.1.12.4.1.1.7426"  # 1 = Allmennmedisin

# fastlege's extensions on PractitionerRole (one per list, fastlegeavtale).
LIST_CEILING = f"{CANONICAL}/StructureDefinition/gp-list-ceiling"
LIST_LENGTH = f"{CANONICAL}/StructureDefinition/gp-list-length"
LIST_FREE_PLACES = f"{CANONICAL}/StructureDefinition/gp-list-free-places"
LIST_OPEN = f"{CANONICAL}/StructureDefinition/gp-list-open"
LIST_SUBSTITUTE = f"{CANONICAL}/StructureDefinition/gp-list-substitute"

#: The codes of OperationOutcome.issue.details.coding (stable, for programs).
ISSUE_CODES = f"{CANONICAL}/CodeSystem/issue"
