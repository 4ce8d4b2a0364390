-- attack_release: the one row describing the embedded ATT&CK catalogue:
-- version ('v18.1'), domain and MITRE's copyright notice. No parameters.
SELECT version, domain, notice
FROM attack_release
ORDER BY version;
