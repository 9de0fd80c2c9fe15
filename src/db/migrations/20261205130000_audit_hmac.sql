-- Issue 18, finding 6: the audit chain is keyed. Each entry names the key its hash was computed
-- with (HMAC-SHA256 under SKILLFUND_AUDIT_KEY, which is configuration, never stored here); entries
-- written before this migration keep a null key id: their unkeyed SHA-256 chain is pinned by the
-- first keyed entry, whose MAC covers the last unkeyed hash.
alter table audit_log add column hash_key_id text;
