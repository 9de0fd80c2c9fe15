/**
 * 职业分类大典 (2015 edition): the eight major categories and the occupations the demo and the
 * tests use. The full list is loaded with `skillfund import occupations <csv>` (docs/decisions/0003).
 */
export const OCCUPATION_SEED: readonly { code: string; name: string }[] = [
  { code: '1', name: '党的机关、国家机关、群众团体和社会组织、企事业单位负责人' },
  { code: '2', name: '专业技术人员' },
  { code: '3', name: '办事人员和有关人员' },
  { code: '4', name: '社会生产服务和生活服务人员' },
  { code: '5', name: '农、林、牧、渔业生产及辅助人员' },
  { code: '6', name: '生产制造及有关人员' },
  { code: '7', name: '军人' },
  { code: '8', name: '不便分类的其他从业人员' },
  { code: '4-03-02-01', name: '中式烹调师' },
  { code: '4-03-02-02', name: '中式面点师' },
  { code: '4-07-05-01', name: '保安员' },
  { code: '4-10-01-01', name: '保育员' },
  { code: '4-10-01-02', name: '育婴员' },
  { code: '4-10-01-05', name: '养老护理员' },
  { code: '4-10-01-06', name: '家政服务员' },
  { code: '6-18-01-01', name: '车工' },
  { code: '6-18-02-04', name: '焊工' },
  { code: '6-31-01-03', name: '电工' },
];
