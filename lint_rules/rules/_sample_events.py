"""Representative events the alerting rules evaluate patterns against: CloudTrail API calls (a
``StopLogging``, a ``DeleteTrail``), console sign-ins (root, IAM user), GuardDuty findings and their
Security Hub / EventBridge envelopes.  A pattern is judged by what it matches among these, not by how it
is written.
"""
from __future__ import annotations

ACCOUNT_ID = "111122223333"
REGION = "us-east-1"

_IDENTITIES = {
    "IAMUser": {"type": "IAMUser", "principalId": "AIDAEXAMPLEUSER00001", "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/alice", "accessKeyId": "AKIAEXAMPLE00000001",
                "userName": "alice"},
    "AssumedRole": {"type": "AssumedRole", "principalId": "AROAEXAMPLEROLE00001:bob", "accountId": ACCOUNT_ID,
                    "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/Admin/bob",
                    "accessKeyId": "ASIAEXAMPLE00000001",
                    "sessionContext": {
                        "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLE00001",
                                          "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/Admin",
                                          "accountId": ACCOUNT_ID, "userName": "Admin"},
                        "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "true"}}},
    "Root": {"type": "Root", "principalId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:root",
             "accountId": ACCOUNT_ID, "accessKeyId": "ASIAEXAMPLE00000002"},
}


def cloudtrail_api_call(event_name: str, identity: str, source: str = "cloudtrail.amazonaws.com",
                        read_only: bool = False, request: dict | None = None) -> dict:
    """A CloudTrail management event record as CloudTrail writes it to CloudWatch Logs."""
    return {
        "eventVersion": "1.09", "userIdentity": dict(_IDENTITIES[identity]),
        "eventTime": "2026-01-01T00:00:00Z", "eventSource": source, "eventName": event_name,
        "awsRegion": REGION, "sourceIPAddress": "203.0.113.10", "userAgent": "aws-cli/2.15.0",
        "requestParameters": request if request is not None else
        {"name": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/audit"},
        "responseElements": None, "requestID": "5f1e0e4c-0000-4000-8000-000000000001",
        "eventID": "5f1e0e4c-0000-4000-8000-000000000002", "readOnly": read_only, "eventType": "AwsApiCall",
        "managementEvent": True, "recipientAccountId": ACCOUNT_ID, "eventCategory": "Management",
    }


def s3_data_event(bucket: str, event_name: str = "GetObject", key: str = "uploads/2026/01/screenshot-0001.png") -> dict:
    """A CloudTrail S3 data event record (an object read by an assumed role) as CloudTrail writes it to
    CloudWatch Logs."""
    return {
        "eventVersion": "1.09", "userIdentity": dict(_IDENTITIES["AssumedRole"]),
        "eventTime": "2026-01-01T00:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": event_name,
        "awsRegion": REGION, "sourceIPAddress": "203.0.113.10", "userAgent": "[aws-sdk-go-v2/1.24.0]",
        "requestParameters": {"bucketName": bucket, "Host": f"{bucket}.s3.{REGION}.amazonaws.com", "key": key},
        "responseElements": None, "requestID": "5f1e0e4c-0000-4000-8000-000000000003",
        "eventID": "5f1e0e4c-0000-4000-8000-000000000004", "readOnly": event_name.startswith(("Get", "List", "Head")),
        "resources": [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
                      {"accountId": ACCOUNT_ID, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}],
        "eventType": "AwsApiCall", "managementEvent": False, "recipientAccountId": ACCOUNT_ID,
        "eventCategory": "Data",
    }


def console_sign_in(identity: str, mfa: str = "Yes", result: str = "Success") -> dict:
    ident = dict(_IDENTITIES[identity])
    ident.pop("accessKeyId", None)
    return {
        "eventVersion": "1.09", "userIdentity": ident, "eventTime": "2026-01-01T00:00:00Z",
        "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.10", "userAgent": "Mozilla/5.0", "requestParameters": None,
        "responseElements": {"ConsoleLogin": result},
        "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No",
                                "MFAUsed": mfa},
        "eventID": "5f1e0e4c-0000-4000-8000-000000000003", "readOnly": False, "eventType": "AwsConsoleSignIn",
        "managementEvent": True, "recipientAccountId": ACCOUNT_ID, "eventCategory": "Management",
    }


def as_eventbridge(record: dict) -> dict:
    """The EventBridge event carrying a CloudTrail record ("AWS API Call via CloudTrail", ...)."""
    detail_type = ("AWS Console Sign In via CloudTrail" if record.get("eventType") == "AwsConsoleSignIn"
                   else "AWS API Call via CloudTrail")
    service = str(record.get("eventSource", "")).split(".")[0]
    return {"version": "0", "id": "0b8a5c6e-0000-4000-8000-000000000004", "detail-type": detail_type,
            "source": f"aws.{service}", "account": ACCOUNT_ID, "time": "2026-01-01T00:00:00Z",
            "region": REGION, "resources": [], "detail": record}


def _severity_label(score: float) -> str:
    if score >= 9.0:
        return "CRITICAL"
    if score >= 7.0:
        return "HIGH"
    if score >= 4.0:
        return "MEDIUM"
    return "LOW"


def guardduty_finding(score: float, finding_type: str = "Backdoor:EC2/C&CActivity.B!DNS") -> dict:
    """The ``detail`` of a native GuardDuty finding event of severity ``score`` (0.1 .. 10)."""
    detector = "12abc34d567e8fa901bc2d34e56789f0"
    return {"schemaVersion": "2.0", "accountId": ACCOUNT_ID, "region": REGION, "partition": "aws",
            "id": "a2b4c6d8e0f2a4c6e8f0a2b4c6d8e0f2",
            "arn": f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector}/finding/a2b4c6d8",
            "type": finding_type, "severity": score, "title": "EC2 instance is querying a C&C domain",
            "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-0123456789abcdef0"}},
            "service": {"serviceName": "guardduty", "detectorId": detector, "archived": False, "count": 1},
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}


def guardduty_event(score: float) -> dict:
    """A native GuardDuty finding event ("GuardDuty Finding", source aws.guardduty)."""
    return {"version": "0", "id": "0b8a5c6e-0000-4000-8000-000000000005", "detail-type": "GuardDuty Finding",
            "source": "aws.guardduty", "account": ACCOUNT_ID, "time": "2026-01-01T00:00:00Z", "region": REGION,
            "resources": [], "detail": guardduty_finding(score)}


def securityhub_event(score: float, product: str = "GuardDuty") -> dict:
    """A "Security Hub Findings - Imported" event carrying one ASFF finding from ``product``."""
    label = _severity_label(score)
    detector = "12abc34d567e8fa901bc2d34e56789f0"
    if product == "GuardDuty":
        product_arn = f"arn:aws:securityhub:{REGION}::product/aws/guardduty"
        generator = f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector}"
        finding_id = f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector}/finding/a2b4c6d8"
        types = ["TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS"]
        fields = {"aws/securityhub/ProductName": "GuardDuty", "aws/securityhub/CompanyName": "Amazon",
                  "aws/guardduty/service/archived": "false", "aws/guardduty/service/count": "1",
                  "aws/securityhub/FindingId": f"{product_arn}/{finding_id}"}
    else:
        product_arn = f"arn:aws:securityhub:{REGION}::product/aws/inspector"
        generator = "AWSInspectorFindingGenerator"
        finding_id = f"arn:aws:inspector2:{REGION}:{ACCOUNT_ID}:finding/0f1e2d3c"
        types = ["Software and Configuration Checks/Vulnerabilities/CVE"]
        fields = {"aws/securityhub/ProductName": product, "aws/securityhub/CompanyName": "Amazon",
                  "aws/securityhub/FindingId": f"{product_arn}/{finding_id}"}
    finding = {
        "SchemaVersion": "2018-10-08", "Id": finding_id, "ProductArn": product_arn, "ProductName": product,
        "CompanyName": "Amazon", "Region": REGION, "GeneratorId": generator, "AwsAccountId": ACCOUNT_ID,
        "Types": types, "FirstObservedAt": "2026-01-01T00:00:00Z", "LastObservedAt": "2026-01-01T00:00:00Z",
        "CreatedAt": "2026-01-01T00:00:00Z", "UpdatedAt": "2026-01-01T00:00:00Z",
        "Severity": {"Product": score, "Label": label, "Normalized": int(round(score * 10)),
                     "Original": f"{score:.1f}"},
        "Title": "Finding", "Description": "Finding description", "ProductFields": fields,
        "Resources": [{"Type": "AwsEc2Instance", "Id": f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:instance/i-0123456789abcdef0",
                       "Partition": "aws", "Region": REGION}],
        "WorkflowState": "NEW", "Workflow": {"Status": "NEW"}, "RecordState": "ACTIVE",
        "FindingProviderFields": {"Severity": {"Label": label, "Original": f"{score:.1f}"}, "Types": types},
    }
    return {"version": "0", "id": "0b8a5c6e-0000-4000-8000-000000000006",
            "detail-type": "Security Hub Findings - Imported", "source": "aws.securityhub", "account": ACCOUNT_ID,
            "time": "2026-01-01T00:00:00Z", "region": REGION,
            "resources": [f"arn:aws:securityhub:{REGION}:{ACCOUNT_ID}:finding/0"], "detail": {"findings": [finding]}}
