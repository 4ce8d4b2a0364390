-- review_milestones: one row per lifecycle milestone the case records, in
-- lifecycle order (compromise … closure): its instant, the previous recorded
-- milestone and the hours since it (negative when the two are out of order;
-- NULL for the first), and the hours since detection (NULL without one).
-- $1 source; $2 case id.
SELECT m.milestone, cm."at",
       lag(m.milestone) OVER w AS previous,
       epoch(cm."at") / 3600.0 - epoch(lag(cm."at") OVER w) / 3600.0 AS hours_since_previous,
       epoch(cm."at") / 3600.0 - epoch(c.detected_at) / 3600.0 AS hours_since_detection
FROM case_milestones cm
JOIN milestone_order m ON m.milestone = cm.milestone
JOIN cases c ON c.source = cm.source AND c.case_id = cm.case_id
WHERE cm.source = $1::VARCHAR AND cm.case_id = $2::VARCHAR
WINDOW w AS (ORDER BY m.position)
ORDER BY m.position;
