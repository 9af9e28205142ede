"""Request and response bodies; their constraints become the OpenAPI schema and 422 errors."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints


def _printable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def Text(max_length: int) -> type[str]:
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length),
        AfterValidator(_printable),
    ]


Name = Text(100)
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(_printable),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StaffRole(StrEnum):
    advisor = "advisor"
    admin = "admin"


class ApplicationStatus(StrEnum):
    applied = "applied"
    interviewing = "interviewing"
    offer = "offer"
    accepted = "accepted"
    declined = "declined"
    rejected = "rejected"


class Organization(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime


class OrganizationPatch(Strict):
    name: Text(200)  # type: ignore[valid-type]


class Staff(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    full_name: str
    role: StaffRole
    created_at: datetime


class StaffCreate(Strict):
    user_id: uuid.UUID = Field(description="The member's Supabase auth user id")
    email: Email
    full_name: Text(200)  # type: ignore[valid-type]
    role: StaffRole = StaffRole.advisor


class StaffPatch(Strict):
    full_name: Text(200) | None = None  # type: ignore[valid-type]
    role: StaffRole | None = None


class Me(BaseModel):
    staff: Staff
    organization: Organization


class Student(BaseModel):
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime


class StudentCreate(Strict):
    first_name: Name  # type: ignore[valid-type]
    last_name: Name  # type: ignore[valid-type]
    email: Email


class StudentPatch(Strict):
    first_name: Name | None = None  # type: ignore[valid-type]
    last_name: Name | None = None  # type: ignore[valid-type]
    email: Email | None = None


class StudentPage(BaseModel):
    items: list[Student]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class Application(BaseModel):
    id: uuid.UUID
    student_id: uuid.UUID
    company: str
    role: str
    status: ApplicationStatus
    created_at: datetime
    updated_at: datetime


class ApplicationCreate(Strict):
    company: Text(200)  # type: ignore[valid-type]
    role: Text(200)  # type: ignore[valid-type]


class ApplicationPatch(Strict):
    company: Text(200) | None = None  # type: ignore[valid-type]
    role: Text(200) | None = None  # type: ignore[valid-type]
    status: ApplicationStatus | None = Field(
        None,
        description="applied -> interviewing -> offer -> accepted/declined; "
        "rejected from applied, interviewing or offer",
    )


class Note(BaseModel):
    id: uuid.UUID
    student_id: uuid.UUID
    author_staff_id: uuid.UUID | None
    body: str
    created_at: datetime


class NoteCreate(Strict):
    body: Text(10000)  # type: ignore[valid-type]


class NotePage(BaseModel):
    items: list[Note]
    next_cursor: str | None


class ReminderStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class Reminder(BaseModel):
    id: uuid.UUID
    student_id: uuid.UUID
    staff_id: uuid.UUID
    due_at: datetime
    subject: str
    body: str
    status: ReminderStatus
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime


class ReminderCreate(Strict):
    due_at: AwareDatetime = Field(description="When to email the reminder (with a UTC offset)")
    subject: Text(200)  # type: ignore[valid-type]
    body: Annotated[str, StringConstraints(max_length=10000), AfterValidator(_printable)] = ""
    staff_id: uuid.UUID | None = Field(None, description="Who gets it; default: you")
