import uuid

from django.db import models


def new_public_id() -> str:
    return f"pat_{uuid.uuid4().hex[:12]}"


class Patient(models.Model):
    """A patient record: its PHI stays here; logs name it by ``public_id`` only."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    name = models.CharField(max_length=200)
    ssn = models.CharField(max_length=11)
    date_of_birth = models.DateField()
