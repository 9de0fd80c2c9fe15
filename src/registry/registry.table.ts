import type { Generated } from 'kysely';

/** GB/T 2260 administrative division (reference table). */
export interface RegionTable {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  parent_code: string | null;
  province_code: string;
}

/** 职业分类大典 occupation (reference table). */
export interface OccupationTable {
  code: string;
  name: string;
  major_category: number;
  parent_code: string | null;
}

export interface PersonTable {
  id: Generated<number>;
  province_code: string;
  registering_region_code: string;
  /** Legacy plaintext (before migration 20261123150000); emptied by `skillfund security rewrap`. */
  id_number: string | null;
  /** AES-256-GCM ciphertext, context 'person.id_number'. Only person.repository.ts touches the ID columns. */
  id_number_ciphertext: string | null;
  /** Keyed blind index (HMAC), purpose 'person.id_number'; unique with province_code. */
  id_number_hash: string | null;
  name: string;
  sex: 'male' | 'female';
  birth_date: string;
  /** Legacy plaintext; new values go to phone_ciphertext. */
  phone: string | null;
  /** AES-256-GCM ciphertext, context 'person.phone'. */
  phone_ciphertext: string | null;
  household_region_code: string | null;
  pension_status: Generated<'none' | 'receiving'>;
  is_full_time_student: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PersonGroupTable {
  id: Generated<number>;
  province_code: string;
  person_id: number;
  group_code: string;
  certified_by_organisation: string;
  certified_by_officer: string;
  valid_from: string;
  valid_to: string | null;
  created_at: Generated<Date>;
  certifier_code: string | null;
  recorded_by_user_id: number | null;
  recorded_on: string | null;
  revoked_on: string | null;
  revocation_reason: string | null;
  revoked_by_user_id: number | null;
}

export interface OrganisationTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  kind: 'enterprise' | 'institution' | 'evaluation_org' | 'review_agency';
  name: string;
  credit_code: string;
  status: Generated<'active' | 'suspended' | 'blacklisted' | 'revoked'>;
  status_since: Generated<string>;
  enterprise_size: 'micro' | 'small' | 'medium' | 'large' | null;
  employer_flags: unknown;
  licence_number: string | null;
  licence_valid_to: string | null;
  allowed_occupation_codes: unknown;
  capacity: number | null;
  contact_name: string | null;
  /** Legacy plaintext; new values go to contact_phone_ciphertext. */
  contact_phone: string | null;
  /** AES-256-GCM ciphertext, context 'organisation.contact_phone'. */
  contact_phone_ciphertext: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OrganisationStatusChangeTable {
  id: Generated<number>;
  province_code: string;
  organisation_id: number;
  from_status: string;
  to_status: string;
  effective_date: string;
  reason: string;
  changed_by_user_id: number | null;
  created_at: Generated<Date>;
}

export interface CatalogVersionTable {
  id: Generated<number>;
  province_code: string;
  region_code: string;
  version_number: number;
  title: string;
  status: Generated<'draft' | 'published' | 'superseded'>;
  effective_from: string;
  effective_to: string | null;
  citation_document: string;
  citation_article: string;
  published_at: Date | null;
  published_by_user_id: number | null;
  created_at: Generated<Date>;
}

export interface CatalogEntryTable {
  id: Generated<number>;
  province_code: string;
  version_id: number;
  occupation_code: string;
  level: string;
  standard_amount_fen: number;
  standard_days: number;
  standard_class_hours: number;
  effective_from: string;
  effective_to: string | null;
  citation_document: string;
  citation_article: string;
  is_shortage: Generated<boolean>;
  is_new_occupation: Generated<boolean>;
  status: Generated<'active' | 'withdrawn'>;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  withdrawn_by_user_id: number | null;
}

export interface InstitutionCatalogTable {
  id: Generated<number>;
  province_code: string;
  institution_id: number;
  occupation_code: string;
  level: string;
  region_code: string;
  valid_from: string;
  valid_to: string | null;
  status: Generated<'active' | 'withdrawn'>;
  created_at: Generated<Date>;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  withdrawn_by_user_id: number | null;
}

export interface EvaluationCatalogTable {
  id: Generated<number>;
  province_code: string;
  organisation_id: number;
  occupation_code: string;
  level: string;
  region_code: string;
  valid_from: string;
  valid_to: string | null;
  status: Generated<'active' | 'withdrawn'>;
  withdrawn_on: string | null;
  withdrawal_reason: string | null;
  withdrawn_by_user_id: number | null;
  created_at: Generated<Date>;
}

export interface RegistryTables {
  region: RegionTable;
  occupation: OccupationTable;
  person: PersonTable;
  person_group: PersonGroupTable;
  organisation: OrganisationTable;
  organisation_status_change: OrganisationStatusChangeTable;
  catalog_version: CatalogVersionTable;
  catalog_entry: CatalogEntryTable;
  institution_catalog: InstitutionCatalogTable;
  evaluation_catalog: EvaluationCatalogTable;
}
