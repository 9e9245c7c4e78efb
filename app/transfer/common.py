"""What the export and the import of an organisation share: their problems and summary."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from app.errors import DomainError
from app.transfer.schemas import OrganisationArchive


class TransferProblem(DomainError):
    """The export or import cannot be done; the message says why, for the operator."""


class BadArchive(TransferProblem):
    """The archive itself is wrong: shown as `FILE: what is wrong`."""


@dataclass
class Summary:
    slug: str
    counts: dict[str, int]
    files: int
    warnings: list[str] = field(default_factory=list)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()



def counts(archive: OrganisationArchive) -> dict[str, int]:
    """How many of each thing the archive holds, as the CLI and the audit entry report it."""
    return {"members": len(archive.members), "commitments": len(archive.commitments),
            "assessments": len(archive.assessments),
            "ratings": sum(len(a.ratings) for a in archive.assessments),
            "evidence": sum(len(r.evidence) for a in archive.assessments for r in a.ratings),
            "actions": len(archive.actions), "publications": len(archive.publications),
            "voice_rounds": sum(len(a.voice_rounds) for a in archive.assessments),
            "voice_responses": sum(len(r.responses) for a in archive.assessments
                                   for r in a.voice_rounds)}
