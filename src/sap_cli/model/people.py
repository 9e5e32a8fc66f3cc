"""roles.yaml: the partners, what each agreed to do, and how they want to be named."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from sap_cli.model.base import Email, Record, Slug, Text
from sap_cli.model.vocab import PartnerKind


class Partner(Record):
    id: Slug = Field(
        description="A short id used everywhere else: lowercase letters, digits and hyphens.",
        examples=["amira-haddad"],
    )
    name: Text = Field(description="The partner's name as they want it written.", examples=["Amira Haddad"])
    preferred_name: Text | None = Field(
        default=None, description="What to call them, if not their full name.", examples=["Kiri"]
    )
    pronouns: Text | None = Field(default=None, description="Their pronouns, if they want them shown.")
    kind: PartnerKind = Field(description="student, faculty, staff or other.", examples=["student"])
    aliases: list[Text] = Field(
        default_factory=list,
        description="Other ways the partner's name is written (another script, a nickname, a handle, an "
        "e-mail address), so `sap report --anonymize` removes those too.",
        examples=[["张伟", "@weiz"]],
    )
    email: Email | None = Field(
        default=None,
        description="The partner's e-mail address, if the team wants it kept here. Anonymised output "
        "never shows it, nor the part before the @ written on its own.",
        examples=["amira.haddad@uni.example"],
    )
    role: Text | None = Field(
        default=None,
        description="Their role in this project, in a few words.",
        examples=["Student co-designer"],
    )
    responsibilities: list[Text] = Field(
        default_factory=list,
        description="What they have agreed to do.",
        examples=[["Run the student focus group", "Draft the new lab rubric"]],
    )
    strengths: list[Text] = Field(
        default_factory=list,
        description="What they bring to the team.",
        examples=[["Took BIOL 201 last year"]],
    )
    time_commitment: Text | None = Field(
        default=None, description="Time they can give.", examples=["3 hours a week in term time"]
    )
    feedback_preference: Text | None = Field(
        default=None,
        description="How they like to receive feedback.",
        examples=["Written comments first, then a chat"],
    )
    left: dt.date | None = Field(
        default=None,
        description="The last day they were a partner (YYYY-MM-DD), if they have left. Keep them in "
        "roles.yaml: their meetings, actions and signature stay valid, and after this day nobody "
        "expects them at meetings or asks them to sign.",
        examples=["2026-03-13"],
    )
    left_reason: Text | None = Field(default=None, description="Why they left, if they are happy to say.")

    @property
    def called(self) -> str:
        """The name to address them by: their preferred name when they gave one."""
        return self.preferred_name or self.name

    def partner_on(self, day: dt.date) -> bool:
        """Whether they were still a partner on `day` (a partner until the end of their `left` day)."""
        return self.left is None or day <= self.left


class RolesFile(Record):
    """roles.yaml: who the partners are and what each has agreed to do."""

    partners: list[Partner] = Field(
        default_factory=list,
        description="Everyone in the partnership, students and staff alike. When someone leaves, "
        "give them `left: YYYY-MM-DD` rather than taking them out, so the record stays whole.",
    )
