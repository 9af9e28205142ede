"""Control catalogue: the framework requirements our rules map to.

Versions are pinned so a control id always means the same text: OWASP ASVS 4.0.3,
CIS Critical Security Controls v8, and the AICPA SOC 2 Trust Services Criteria (2017,
revised points of focus 2022).
"""

from __future__ import annotations

from dataclasses import dataclass

ASVS = "OWASP ASVS"
ASVS_VERSION = "4.0.3"
CIS = "CIS Controls"
CIS_VERSION = "v8"
SOC2 = "SOC 2 TSC"
SOC2_VERSION = "2017"


@dataclass(frozen=True, order=True)
class Control:
    framework: str
    version: str
    id: str
    title: str

    @property
    def key(self) -> str:
        return f"{self.framework} {self.version} {self.id}"

    def as_dict(self) -> dict[str, str]:
        return {
            "framework": self.framework,
            "version": self.version,
            "id": self.id,
            "title": self.title,
        }


def _asvs(id_: str, title: str) -> Control:
    return Control(ASVS, ASVS_VERSION, id_, title)


def _cis(id_: str, title: str) -> Control:
    return Control(CIS, CIS_VERSION, id_, title)


def _soc2(id_: str, title: str) -> Control:
    return Control(SOC2, SOC2_VERSION, id_, title)


# OWASP ASVS 4.0.3
ASVS_2_1_1 = _asvs("V2.1.1", "User-set passwords are at least 12 characters")
ASVS_2_2_1 = _asvs("V2.2.1", "Anti-automation controls against credential attacks")
ASVS_2_7_2 = _asvs("V2.7.2", "Out-of-band authenticators and OTPs expire")
ASVS_2_10_4 = _asvs("V2.10.4", "Secrets and API keys are not in source code or repositories")
ASVS_3_3_2 = _asvs("V3.3.2", "Periodic re-authentication for long-lived sessions")
ASVS_3_5_2 = _asvs("V3.5.2", "Session tokens, not static API secrets, for user sessions")
ASVS_5_1_5 = _asvs("V5.1.5", "URL redirects and forwards only go to allow-listed destinations")
ASVS_6_4_1 = _asvs("V6.4.1", "A secrets management solution holds secrets")
ASVS_9_1_1 = _asvs("V9.1.1", "TLS for all client connectivity, no fallback to cleartext")
ASVS_9_1_3 = _asvs("V9.1.3", "Only the latest recommended TLS versions (1.2, 1.3) are enabled")
ASVS_9_2_1 = _asvs("V9.2.1", "Connections to and from the server use trusted TLS certificates")
ASVS_9_2_2 = _asvs("V9.2.2", "Encrypted communications for all inbound and outbound connections")
ASVS_11_1_4 = _asvs("V11.1.4", "Anti-automation against excessive calls and mass exfiltration")
ASVS_14_2_4 = _asvs("V14.2.4", "Third-party components come from pre-defined, trusted sources")
ASVS_14_4_3 = _asvs("V14.4.3", "A Content Security Policy response header is in place")
ASVS_14_4_5 = _asvs("V14.4.5", "Strict-Transport-Security on all responses and subdomains")
ASVS_14_5_3 = _asvs("V14.5.3", "CORS Access-Control-Allow-Origin uses a strict allow list")

# CIS Controls v8
CIS_2_3 = _cis("2.3", "Address Unauthorized Software")
CIS_3_3 = _cis("3.3", "Configure Data Access Control Lists")
CIS_3_10 = _cis("3.10", "Encrypt Sensitive Data in Transit")
CIS_3_11 = _cis("3.11", "Encrypt Sensitive Data at Rest")
CIS_4_1 = _cis("4.1", "Establish and Maintain a Secure Configuration Process")
CIS_4_4 = _cis("4.4", "Implement and Manage a Firewall on Servers")
CIS_6_3 = _cis("6.3", "Require MFA for Externally-Exposed Applications")
CIS_6_8 = _cis("6.8", "Define and Maintain Role-Based Access Control")
CIS_8_11 = _cis("8.11", "Conduct Audit Log Reviews")
CIS_11_3 = _cis("11.3", "Protect Recovery Data")
CIS_13_1 = _cis("13.1", "Centralize Security Event Alerting")
CIS_13_10 = _cis("13.10", "Perform Application Layer Filtering")
CIS_16_1 = _cis("16.1", "Establish and Maintain a Secure Application Development Process")
CIS_16_4 = _cis("16.4", "Establish and Manage an Inventory of Third-Party Software Components")
CIS_17_2 = _cis("17.2", "Establish and Maintain Contact Information for Reporting Incidents")

# SOC 2 Trust Services Criteria (2017)
SOC2_CC6_1 = _soc2("CC6.1", "Logical access security over protected information assets")
SOC2_CC6_3 = _soc2("CC6.3", "Role-based access, least privilege and segregation of duties")
SOC2_CC6_6 = _soc2("CC6.6", "Protection against threats from outside system boundaries")
SOC2_CC6_7 = _soc2("CC6.7", "Restricted, protected transmission of information")
SOC2_CC6_8 = _soc2("CC6.8", "Prevent or detect unauthorized or malicious software")
SOC2_CC7_2 = _soc2("CC7.2", "Monitoring of system components for anomalies")
SOC2_CC7_3 = _soc2("CC7.3", "Evaluation of security events")
SOC2_CC8_1 = _soc2("CC8.1", "Authorized, tested and approved changes")
SOC2_A1_2 = _soc2("A1.2", "Backup, recovery infrastructure and environmental protections")
