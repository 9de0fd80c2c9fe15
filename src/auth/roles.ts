/**
 * Roles and permissions. Every route declares one permission (or `public`/`authenticated`);
 * the role table below is the only place that says who holds which permission. Object-level
 * scope (region subtree, own organisation, own person) is checked by the services.
 */
export const ROLES = [
  'province_officer',
  'city_officer',
  'county_officer',
  'finance_officer',
  'third_party_reviewer',
  'institution_operator',
  'enterprise_operator',
  'evaluation_org_operator',
  'worker',
  'auditor',
  'system_admin',
  'security_admin',
  'audit_admin',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  province_officer: '省级人社经办人员',
  city_officer: '市级人社经办人员',
  county_officer: '县级人社经办人员',
  finance_officer: '财政（专账）经办人员',
  third_party_reviewer: '第三方审核机构人员',
  institution_operator: '培训机构经办人员',
  enterprise_operator: '企业经办人员',
  evaluation_org_operator: '评价机构经办人员',
  worker: '劳动者',
  auditor: '只读审计人员',
  system_admin: '系统管理员',
  security_admin: '安全管理员',
  audit_admin: '审计管理员',
};

export const PERMISSIONS = [
  'registry.read',
  'registry.write',
  'person.unmask',
  'catalog.read',
  'catalog.edit',
  'catalog.publish',
  'class.read',
  'class.file',
  'class.approve',
  'attendance.record',
  'certificate.issue',
  'claim.read',
  'claim.create',
  'claim.review',
  'claim.approve',
  'payment.order',
  'ledger.read',
  'ledger.post',
  'ledger.reconcile',
  'ledger.close_period',
  'policy.parameter.publish',
  'policy.simulate',
  'supervision.read',
  'supervision.case',
  'supervision.sanction',
  /** An organisation reads its own rating and sanctions and appeals its own sanction. */
  'supervision.self',
  'report.read',
  'report.finalize',
  'archive.self',
  'user.admin',
  'security.admin',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a route requires: a permission, any logged-in user, or nobody (public pages). */
export type RouteAccess = Permission | 'authenticated' | 'public';

const OFFICER_READ: Permission[] = [
  'registry.read',
  'catalog.read',
  'class.read',
  'claim.read',
  'ledger.read',
  'supervision.read',
  'report.read',
];

const HRSS_OFFICER: Permission[] = [
  ...OFFICER_READ,
  'registry.write',
  'person.unmask',
  'catalog.edit',
  'catalog.publish',
  'class.approve',
  'claim.review',
  'claim.approve',
  'ledger.post',
  'ledger.reconcile',
  'policy.simulate',
  'supervision.case',
  'supervision.sanction',
  'report.finalize',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  province_officer: [...HRSS_OFFICER, 'policy.parameter.publish'],
  city_officer: HRSS_OFFICER,
  county_officer: HRSS_OFFICER,
  finance_officer: [
    ...OFFICER_READ,
    'payment.order',
    'ledger.post',
    'ledger.reconcile',
    'ledger.close_period',
  ],
  third_party_reviewer: ['registry.read', 'catalog.read', 'class.read', 'claim.read', 'claim.review'],
  institution_operator: [
    'registry.read',
    'catalog.read',
    'class.read',
    'class.file',
    'attendance.record',
    'certificate.issue',
    'claim.read',
    'claim.create',
    'supervision.self',
  ],
  enterprise_operator: [
    'registry.read',
    'catalog.read',
    'class.read',
    'class.file',
    'attendance.record',
    'claim.read',
    'claim.create',
    'supervision.self',
  ],
  evaluation_org_operator: [
    'registry.read',
    'catalog.read',
    'certificate.issue',
    'claim.read',
    'claim.create',
    'supervision.self',
  ],
  worker: ['archive.self', 'catalog.read'],
  auditor: [...OFFICER_READ, 'audit.read'],
  system_admin: ['user.admin'],
  security_admin: ['security.admin'],
  audit_admin: ['audit.read'],
};

/**
 * Roles that must use a TOTP second factor outside demo mode: every privileged role — the HRSS
 * and finance officers, the auditor and the three administrators (等保 2.0 身份鉴别 d: two or
 * more authentication techniques, one of them cryptographic, for privileged users).
 */
export const ROLES_REQUIRING_TOTP: readonly Role[] = [
  'province_officer',
  'city_officer',
  'county_officer',
  'finance_officer',
  'auditor',
  'system_admin',
  'security_admin',
  'audit_admin',
];

/** Roles whose scope is an organisation rather than a region. */
export const ORGANISATION_ROLES: readonly Role[] = [
  'institution_operator',
  'enterprise_operator',
  'evaluation_org_operator',
  'third_party_reviewer',
];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
