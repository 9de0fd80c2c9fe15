import { App, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import type { Answer } from '../../api/types.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { FilterSelect, LoadState, pagination } from '../../components/common.tsx';
import { ExportButton } from '../../components/ExportButton.tsx';
import { OrganisationName } from '../../components/OrganisationName.tsx';
import { dateTime, today } from '../../format.ts';
import { useLoad } from '../../hooks.ts';

type Rating = Answer<'/api/supervision/ratings', 'get'>['items'][number];
type Grade = Rating['grade'];

const GRADES: Grade[] = ['A', 'B', 'C', 'D'];
const GRADE_COLOURS: Record<Grade, string> = { A: 'green', B: 'blue', C: 'orange', D: 'red' };

/**
 * 信用评级: each training institution's yearly credit grade (A–D) with the reasons it was given,
 * and the recomputation of a year's grades (after a confirmation: it replaces what institutions
 * and the public read as their current grade).
 */
export function RatingsPage() {
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const businessYear = Number(today().slice(0, 4));
  const years = Array.from({ length: Math.max(1, businessYear - 2018) }, (_, index) => businessYear - index);
  const [year, setYear] = useState<number | undefined>(businessYear);
  const [grade, setGrade] = useState<Grade | undefined>();
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const loaded = useLoad(
    () =>
      call(
        client.GET('/api/supervision/ratings', {
          params: {
            query: { page, pageSize: 50, ...(year ? { year } : {}), ...(grade ? { grade } : {}) },
          },
        }),
      ),
    [page, year, grade, version],
  );
  const recomputedYear = year ?? businessYear;
  const recompute = () =>
    modal.confirm({
      title: `重新评定 ${recomputedYear} 年度信用等级`,
      content:
        '按本年度的结业率、取证率、就业率、检查结果和案件处理重新计算辖区内每家培训机构的等级；新等级即为机构当前等级（历次评定均保留）。',
      okText: '确认重新评定',
      cancelText: '取消',
      onOk: async () => {
        try {
          const result = await call(
            client.POST('/api/supervision/ratings/recompute', { body: { year: recomputedYear } }),
          );
          message.success(
            `已重新评定 ${result.ratings.length} 家培训机构${result.revokedBases.length > 0 ? `，${result.revokedBases.length} 个高技能人才培训基地不再达标` : ''}`,
          );
          setVersion((value) => value + 1);
        } catch (error) {
          message.error(errorText(error));
        }
      },
    });
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        信用评级
      </Typography.Title>
      <Card>
        <Typography.Paragraph type="secondary">
          每家培训机构每年度最新一次评定；等级按综合得分（A≥85，B≥70，C≥55，其余为
          D），评定说明列出每一项的依据。
        </Typography.Paragraph>
        <Space wrap className="toolbar">
          <FilterSelect
            label="年度"
            value={year === undefined ? undefined : String(year)}
            onChange={(value) => {
              setYear(value === undefined ? undefined : Number(value));
              setPage(1);
            }}
            options={years.map((value) => ({ value: String(value), label: `${value} 年度` }))}
          />
          <FilterSelect
            label="等级"
            value={grade}
            onChange={(value) => {
              setGrade(value as Grade | undefined);
              setPage(1);
            }}
            options={GRADES.map((value) => ({ value, label: `${value} 级` }))}
          />
          <ExportButton
            fileName="信用评级.xlsx"
            request={() =>
              client.GET('/api/supervision/ratings.xlsx', {
                params: { query: { ...(year ? { year } : {}), ...(grade ? { grade } : {}) } },
                parseAs: 'blob',
              })
            }
          />
          {can('supervision.case') && <Button onClick={recompute}>重新评定</Button>}
        </Space>
        <LoadState loaded={loaded}>
          {(data) => (
            <Table<Rating>
              rowKey="id"
              size="small"
              data-testid="ratings"
              dataSource={data.items}
              pagination={pagination(data, setPage, '家')}
              scroll={{ x: 'max-content' }}
              columns={[
                {
                  title: '培训机构',
                  dataIndex: 'institutionId',
                  render: (id: number) => <OrganisationName id={id} />,
                },
                { title: '年度', dataIndex: 'year', sorter: (a, b) => a.year - b.year },
                {
                  title: '等级',
                  dataIndex: 'grade',
                  sorter: (a, b) => a.grade.localeCompare(b.grade),
                  render: (value: Grade) => <Tag color={GRADE_COLOURS[value]}>{value} 级</Tag>,
                },
                {
                  title: '得分',
                  dataIndex: 'score',
                  align: 'right',
                  className: 'rating-score',
                  sorter: (a, b) => a.score - b.score,
                },
                {
                  title: '评定说明',
                  dataIndex: 'explanation',
                  render: (lines: string[]) => (
                    <Space direction="vertical" size={0}>
                      {lines.map((line) => (
                        <span key={line}>{line}</span>
                      ))}
                    </Space>
                  ),
                },
                {
                  title: '评定时间（系统时钟）',
                  dataIndex: 'computedAt',
                  render: dateTime,
                },
              ]}
            />
          )}
        </LoadState>
      </Card>
    </div>
  );
}
