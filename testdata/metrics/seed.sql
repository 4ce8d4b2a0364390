-- Hand-checked analytics fixture (docs: analytics/build_test.go works every
-- expected number out). Milestones are UTC instants except C6, detected at
-- 23:30 on 31 March 2024 in New York (2024-Q1 there, 2024-Q2 in UTC).
-- Source 'pir' unless stated. Statements are separated by ";\n".
INSERT INTO store.cases (source, case_id, title, severity, category, status, excluded,
    compromise_at, detected_at, triaged_at, contained_at, eradicated_at, recovered_at, closed_at,
    root_cause_category, root_cause_summary, root_cause_whys,
    content_sha256, source_file, source_sha256, source_format, ingested_at) VALUES
-- 2023-Q1: one case (small sample, year-ago quarter of 2024-Q1)
('pir', 'Y1', 'Old web shell', 'high', 'web-compromise', 'closed', false,
    NULL, '2023-02-01 00:00:00Z', NULL, '2023-02-02 06:00:00Z', NULL, NULL, '2023-02-10 00:00:00Z',
    NULL, NULL, NULL, 'h', 'a.jsonl', 'bbb', 'jsonl', '2024-05-10 00:00:00Z'),
-- 2023-Q2: compromise typed as the epoch (before 1990)
('pir', 'Z2', 'Epoch compromise', NULL, 'malware', 'closed', false,
    '1970-01-01 00:00:00Z', '2023-05-01 00:00:00Z', NULL, NULL, NULL, NULL, '2023-05-03 00:00:00Z',
    'malware', NULL, NULL, 'h', 'a.jsonl', 'bbb', 'jsonl', '2024-05-10 00:00:00Z'),
-- 2023-Q3: still open, detected exactly 30 days before the quarter's end
('pir', 'O1', 'Vendor breach', 'low', 'third-party', 'open', false,
    NULL, '2023-09-01 00:00:00Z', NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, 'h', 'a.jsonl', 'bbb', 'jsonl', '2024-05-10 00:00:00Z'),
-- 2023-Q4: contain 4 h and 8 h
('pir', 'P1', 'Credential phish', 'medium', 'phishing', 'closed', false,
    NULL, '2023-11-01 00:00:00Z', NULL, '2023-11-01 04:00:00Z', NULL, NULL, '2023-11-10 00:00:00Z',
    'phishing', 'User entered credentials', ['no MFA', 'legacy VPN'],
    'h', 'a.jsonl', 'bbb', 'jsonl', '2024-05-10 00:00:00Z'),
('pir', 'P2', 'Ransomware on file server', 'high', 'ransomware', 'closed', false,
    NULL, '2023-12-01 00:00:00Z', NULL, '2023-12-01 08:00:00Z', NULL, NULL, '2023-12-20 00:00:00Z',
    'unpatched-vulnerability', NULL, ['a', 'b', 'c', 'd'],
    'h', 'a.jsonl', 'bbb', 'jsonl', '2024-05-10 00:00:00Z'),
-- 2024-Q1
('pir', 'C1', 'Ransomware via VPN', 'critical', 'ransomware', 'closed', false,
    '2024-01-05 00:00:00Z', '2024-01-10 00:00:00Z', '2024-01-10 02:00:00Z', '2024-01-10 10:00:00Z',
    '2024-01-12 10:00:00Z', '2024-01-13 10:00:00Z', '2024-02-01 00:00:00Z',
    'unpatched-vulnerability', 'VPN appliance unpatched', ['x', 'y', 'z'],
    'h', 'a.jsonl', 'bbb', 'jsonl', '2024-05-10 00:00:00Z'),
('pir', 'C2', 'Spearphishing, account takeover', 'high', 'phishing', 'closed', false,
    NULL, '2024-02-01 00:00:00Z', '2024-02-01 00:00:00Z', '2024-02-01 20:00:00Z', NULL, NULL, '2024-02-05 00:00:00Z',
    'phishing', NULL, ['1', '2', '3', '4', '5'],
    'h', 'a.jsonl', 'bbb', 'jsonl', '2024-05-10 00:00:00Z'),
('pir', 'C3', 'Phish with PowerShell', 'medium', 'phishing', 'open', false,
    NULL, '2024-02-15 00:00:00Z', NULL, '2024-02-15 10:00:00Z', NULL, NULL, NULL,
    'phishing', NULL, NULL,
    'h', 'a.jsonl', 'bbb', 'jsonl', '2024-05-10 00:00:00Z'),
('pir', 'C4', 'Insider copies data', 'low', 'insider-threat', 'closed', false,
    NULL, '2024-03-01 00:00:00Z', NULL, '2024-02-28 00:00:00Z', NULL, NULL, '2024-03-10 00:00:00Z',
    'insider', NULL, ['only'],
    'h', 'b.csv', 'ccc', 'csv', '2024-05-10 00:00:00Z'),
('pir', 'C5', 'Tabletop exercise', 'medium', 'phishing', 'closed', true,
    NULL, '2024-03-05 00:00:00Z', NULL, '2024-03-05 05:00:00Z', NULL, NULL, '2024-03-06 00:00:00Z',
    'phishing', NULL, ['t'],
    'h', 'b.csv', 'ccc', 'csv', '2024-05-10 00:00:00Z'),
-- detected 2024-03-31 23:30 America/New_York = 2024-04-01 03:30 UTC
('pir', 'C6', 'Late-night ransomware', 'high', 'ransomware', 'closed', false,
    NULL, '2024-03-31 23:30:00-04:00', NULL, '2024-04-01 05:30:00Z', NULL, NULL, '2024-04-02 00:00:00Z',
    NULL, NULL, NULL,
    'h', 'b.csv', 'ccc', 'csv', '2024-05-10 00:00:00Z'),
-- detection typed with the wrong year: in the future
('pir', 'Z1', 'Future typo', 'low', 'malware', 'open', false,
    NULL, '2031-01-01 00:00:00Z', NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, 'h', 'b.csv', 'ccc', 'csv', '2024-05-10 00:00:00Z');

INSERT INTO store.case_techniques VALUES
('pir', 'C1', 'T1190'), ('pir', 'C1', 'T1486'), ('pir', 'C1', 'T1059.001'),
('pir', 'C2', 'T1566.001'), ('pir', 'C2', 'T1566.002'), ('pir', 'C2', 'T1078'),
('pir', 'C3', 'T1566.001'), ('pir', 'C3', 'T1086'), ('pir', 'C3', 'T9999'),
('pir', 'C4', 'T1685'), ('pir', 'C4', 'T1064'),
('pir', 'C5', 'T1566'),
('pir', 'P1', 'T1566.002');

INSERT INTO store.action_items (source, case_id, position, item_id, summary, owner, priority, due_date, status, completed_at) VALUES
('pir', 'P1', 1, 'D1', 'Enforce MFA', 'iam', 'high', '2023-11-30', 'done', '2023-11-20 00:00:00Z'),
('pir', 'P2', 1, 'E1', 'Patch file servers', 'ops', 'high', '2023-12-31', 'done', '2023-12-15 00:00:00Z'),
('pir', 'P2', 2, 'E2', 'Replace NAS', 'ops', 'low', '2023-12-10', 'wont-do', NULL),
('pir', 'C1', 1, 'A1', 'Patch VPN', 'netops', 'critical', '2024-01-31', 'done', '2024-01-20 00:00:00Z'),
('pir', 'C1', 2, 'A2', 'Rotate credentials', 'iam', 'high', '2024-02-01', 'done', '2024-02-15 00:00:00Z'),
('pir', 'C1', 3, 'A3', 'Segment backups', 'infra', 'medium', '2024-03-01', 'open', NULL),
('pir', 'C2', 1, 'B1', 'Block sender domain', 'mail', 'low', '2024-02-10', 'done', '2024-02-03 00:00:00Z'),
('pir', 'C4', 1, 'F1', 'Review DLP rules', 'dlp', 'medium', '2024-03-31', 'in-progress', NULL),
('pir', 'C4', 2, 'F2', 'Offboarding checklist', 'hr', 'medium', '2024-03-15', 'done', '2024-04-10 00:00:00Z'),
('pir', 'C5', 1, 'G1', 'Update playbook', 'soc', 'low', '2024-03-20', 'open', NULL);

INSERT INTO store.ingest_runs VALUES
(1, '2024-05-01 00:00:00Z', '2024-05-01 00:00:01Z', 1, 12, 0, 0, 0),
(2, '2024-05-10 00:00:00Z', '2024-05-10 00:00:01Z', 2, 0, 12, 0, 0);

INSERT INTO store.ingest_files VALUES
(1, 'a.jsonl', 'aaa', 'jsonl', 12, 0),
(2, 'a.jsonl', 'bbb', 'jsonl', 5, 0),
(2, 'b.csv', 'ccc', 'csv', 7, 0);
