-- Screening one claim at submission (supervision's targeted detectors, issue 9) follows the
-- class's certificates and its trainees' sign-ins elsewhere; at province scale (bench/sweep.ts
-- over the generated Jiangsu year) both were scans of the whole table.
create index certificate_class_idx on certificate (class_id);
create index attendance_person_idx on attendance (person_id);
