"""What the applications write: the audit-event contract and ``auditgate logs``.

``contract`` holds the JSON Schema of one audit event; ``reader`` streams log lines out of
files, directories, gzip files and CloudWatch Logs exports; ``phi`` finds cleartext PHI;
``checker`` turns lines into findings (rules APP-004 .. APP-006).
"""

# failing findings listed per rule by `auditgate logs` (here, not in checker: the CLI's parser needs
# it without importing the checker's PHI scanners)
DEFAULT_LIMIT = 1000
