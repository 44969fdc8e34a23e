"""A patient record behind permissions: every access, change and refusal is an audit event."""
from __future__ import annotations

import os

from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from audit_site.audit import audit

from .models import Patient

# AUDIT_LEAKY=1 makes the example do what the audit-event contract forbids (for the tests):
# it logs the patient's name and SSN.
LEAKY = os.environ.get("AUDIT_LEAKY") == "1"


def _record(patient: Patient) -> dict:
    return {"type": "patient", "id": patient.public_id}


def _allowed(request, action: str, patient: Patient | None = None) -> bool:
    if request.user.is_authenticated and request.user.has_perm(f"patients.{action}_patient"):
        return True
    audit(request, "authz.denied", "denied", record=_record(patient) if patient else None,
          reason="permission" if request.user.is_authenticated else "not_authenticated")
    return False


@csrf_exempt
@require_POST
def login_view(request):
    user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
    if user is None:  # user_login_failed was sent by authenticate()
        return HttpResponse(status=401)
    login(request, user)  # sends user_logged_in
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def logout_view(request):
    logout(request)  # sends user_logged_out
    return HttpResponse(status=204)


@require_GET
def detail(request, public_id: str):
    patient = get_object_or_404(Patient, public_id=public_id)
    if not _allowed(request, "view", patient):
        return HttpResponseForbidden()
    audit(request, "phi.read", "success", record=_record(patient))
    return JsonResponse({"id": patient.public_id, "name": patient.name})


@csrf_exempt
@require_POST
def create(request):
    if not _allowed(request, "add"):
        return HttpResponseForbidden()
    patient = Patient.objects.create(name=request.POST["name"], ssn=request.POST["ssn"],
                                     date_of_birth=request.POST["date_of_birth"])
    audit(request, "phi.create", "success", record=_record(patient))
    return JsonResponse({"id": patient.public_id}, status=201)


@csrf_exempt
@require_POST
def update(request, public_id: str):
    patient = get_object_or_404(Patient, public_id=public_id)
    if not _allowed(request, "change", patient):
        return HttpResponseForbidden()
    changed = sorted(k for k in ("name", "ssn", "date_of_birth") if k in request.POST)
    for key in changed:
        setattr(patient, key, request.POST[key])
    patient.save()
    if LEAKY:  # the mistakes auditgate must catch
        audit(request, "phi.update", "success", record=_record(patient), patient_name=patient.name,
              note=f"ssn now {patient.ssn}")
    else:
        audit(request, "phi.update", "success", record=_record(patient), fields=changed)
    return JsonResponse({"id": patient.public_id})


@csrf_exempt
@require_POST
def delete(request, public_id: str):
    patient = get_object_or_404(Patient, public_id=public_id)
    if not _allowed(request, "delete", patient):
        return HttpResponseForbidden()
    record = _record(patient)
    patient.delete()
    audit(request, "phi.delete", "success", record=record)
    return HttpResponse(status=204)
