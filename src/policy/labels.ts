/**
 * Chinese names of the evaluate request's fields, for the messages people read: a denial names
 * the field in Chinese in its message and by its path in `field` (for machines).
 */
export const FIELD_LABELS: Record<string, string> = {
  region: '地区',
  date: '申请日期',
  subsidy: '补贴类别',
  mode: '测算方式',
  person: '人员信息',
  'person.groups': '人员类别',
  'person.graduationDate': '毕业日期',
  'person.receivesPension': '是否按月领取养老金',
  'person.relativeOfGroups': '直系亲属的人员类别',
  employment: '就业信息',
  'employment.employerSize': '企业规模',
  'employment.employerFlags': '企业类型',
  'employment.contractMonths': '劳动合同期限（月）',
  'employment.start': '在本企业连续工作的开始日期',
  'employment.end': '在本企业连续工作的结束日期',
  training: '培训信息',
  'training.filed': '是否已开班备案',
  'training.approvedOn': '开班审核通过日期',
  'training.occupationCode': '职业（工种）编码',
  'training.newOccupation': '是否新职业',
  'training.inCatalog': '是否在补贴标准目录内',
  'training.level': '培训等级',
  'training.start': '培训开始日期',
  'training.end': '培训结束日期',
  'training.offlineDays': '线下培训天数',
  'training.onlineDays': '线上培训天数',
  'training.classHours': '培训课时数',
  'training.months': '培训月数',
  'training.dailyRateFen': '区县确定的日补贴标准',
  'training.onlineDailyRateFen': '区县确定的线上日补贴标准',
  'training.catalogStandardFen': '目录补贴标准',
  'training.projectBased': '是否项目制培训',
  certificate: '证书信息',
  'certificate.type': '证书类型',
  'certificate.level': '证书等级',
  'certificate.number': '证书编号',
  'certificate.firstIssue': '是否初次取证',
  history: '已享受补贴记录',
  'history.date': '已享受补贴的申请日期',
  'history.subsidy': '已享受补贴的类别',
  'history.occupationCode': '已享受补贴的职业（工种）编码',
  'history.level': '已享受补贴的等级',
  'history.certificateNumber': '已享受补贴的证书编号',
  'history.start': '已享受补贴的开始日期',
  'history.end': '已享受补贴的结束日期',
};

/** Where a person finds a missing fact, in plain words; the default covers the rest. */
const WHERE_TO_FIND: Record<string, string> = {
  'person.groups': '人员类别须经县级以上人力资源社会保障部门认定，可向当地人社部门或就业服务机构查询',
  'person.graduationDate': '毕业日期见毕业证书',
  'person.receivesPension': '是否按月领取养老金可向社保经办机构查询',
  'employment.contractMonths': '劳动合同期限见本人与企业签订的劳动合同',
  'employment.employerSize': '企业规模（大、中、小、微型）可向用人单位了解',
  'employment.employerFlags': '企业类型可向用人单位了解',
  'training.approvedOn': '开班审核通过日期见培训机构的开班审批（备案）通知，可向培训机构询问',
  'training.filed': '培训班是否已开班备案可向培训机构询问',
  'training.catalogStandardFen':
    '目录补贴标准见当地公布的职业技能培训补贴标准目录；在补贴测算页面选择职业和等级即可自动带出',
  'training.inCatalog': '是否在目录内见当地公布的职业技能培训补贴标准目录',
  'training.dailyRateFen': '日补贴标准由区县人力社保部门确定，可向培训机构或区县人社部门询问',
  'training.onlineDailyRateFen': '线上日补贴标准由区县人力社保部门确定，可向培训机构询问',
  'certificate.number': '证书编号见所取得的证书',
  'certificate.type': '证书类型见所取得的证书',
  'certificate.firstIssue': '是否初次取证见证书的发证记录',
};

/** `person.groups[1]` → `person.groups`; array positions do not change the field's name. */
function withoutIndexes(path: string): string {
  return path.replace(/\[[0-9]+\]/g, '');
}

/** The Chinese name of a request field (`history[2].end` → 已享受补贴的结束日期（第3条）). */
export function fieldLabel(path: string): string {
  const label = FIELD_LABELS[withoutIndexes(path)];
  const position = /\[([0-9]+)\]/.exec(path);
  const suffix = position ? `（第${Number(position[1]) + 1}项）` : '';
  return label === undefined ? '请求中的某一项' : `${label}${suffix}`;
}

/** Plain-Chinese advice on where to find a missing fact. */
export function whereToFind(path: string): string {
  return WHERE_TO_FIND[withoutIndexes(path)] ?? '请向培训机构、用人单位或当地人力资源社会保障部门确认后填写';
}
