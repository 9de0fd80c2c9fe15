-- Personal data encrypted at rest (issue 7): ID numbers, phones and payee bank accounts are
-- stored as AES-256-GCM ciphertext (`v1:<key id>:…`, src/shared/crypto.ts) and ID numbers are
-- found through a keyed blind index (HMAC-SHA256). The keys live in configuration, never here,
-- so SQL cannot encrypt the rows already stored: the old plaintext columns stay, nullable, as
-- *legacy* columns. The application never writes them again and reads them only as a fallback;
-- `skillfund security rewrap` encrypts whatever they still hold and empties them. A later
-- migration drops them once every installation has run it.

alter table person add column id_number_ciphertext text;
alter table person add column id_number_hash text;
alter table person add column phone_ciphertext text;
alter table person drop constraint person_province_code_id_number_key;
alter table person alter column id_number drop not null;
-- One person per ID number: per province in the database (distribution rule), across
-- provinces in the service, as before.
alter table person add constraint person_province_code_id_number_hash_key
  unique (province_code, id_number_hash);
-- The nationwide lookup goes by the blind index alone.
create index person_id_number_hash_idx on person (id_number_hash);
-- Legacy plaintext lookups stay indexed until rewrap has emptied the column.
create index person_legacy_id_number_idx on person (id_number) where id_number is not null;
-- Every row keeps its ID number: encrypted with its index, or still in the legacy column.
alter table person add constraint person_id_number_stored check (
  (id_number_ciphertext is not null and id_number_hash is not null) or id_number is not null
);

alter table organisation add column contact_phone_ciphertext text;

alter table claim add column payee_bank_account_ciphertext text;
