import { Descriptions, Table } from 'antd';
import type { ClassSummary, TrainingClass } from '../api/types.ts';
import { dateTime } from '../format.ts';
import { useLanguage } from '../i18n.tsx';
import { CLASS_STATUSES, LEVELS, label, SUBSIDY_KINDS } from '../vocabulary.ts';
import { StatusTag } from './common.tsx';
import { OccupationName } from './OccupationName.tsx';

/** A class filing: what the officer approves (schedule, teachers) and what the institution filed. */
export function ClassInfo({
  trainingClass,
}: {
  trainingClass: ClassSummary & Partial<Pick<TrainingClass, 'sessions'>>;
}) {
  const { language } = useLanguage();
  return (
    <>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} className="block-gap">
        <Descriptions.Item label="班级名称">{trainingClass.name}</Descriptions.Item>
        <Descriptions.Item label="班级编码">{trainingClass.classCode ?? '（审批后生成）'}</Descriptions.Item>
        <Descriptions.Item label="状态">
          <StatusTag
            status={trainingClass.status}
            text={label(CLASS_STATUSES, trainingClass.status, language)}
          />
        </Descriptions.Item>
        <Descriptions.Item label="开班前备案">{trainingClass.isFiled ? '是' : '否'}</Descriptions.Item>
        <Descriptions.Item label="职业（工种）">
          <OccupationName code={trainingClass.occupationCode} />
        </Descriptions.Item>
        <Descriptions.Item label="等级">{label(LEVELS, trainingClass.level, language)}</Descriptions.Item>
        <Descriptions.Item label="补贴类型">
          {label(SUBSIDY_KINDS, trainingClass.subsidyKind, language)}
        </Descriptions.Item>
        <Descriptions.Item label="计划人数">{trainingClass.capacity}</Descriptions.Item>
        <Descriptions.Item label="开班时间">{dateTime(trainingClass.startsAt)}</Descriptions.Item>
        <Descriptions.Item label="结业时间">{dateTime(trainingClass.endsAt)}</Descriptions.Item>
        <Descriptions.Item label="授课教师">
          {trainingClass.teachers.map((teacher) => teacher.name).join('、') || '—'}
        </Descriptions.Item>
        <Descriptions.Item label="备案审批时间（业务时间）">
          {trainingClass.approvedAt ? dateTime(trainingClass.approvedAt) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label="审批意见">{trainingClass.decisionNote ?? '—'}</Descriptions.Item>
      </Descriptions>
      {trainingClass.sessions && (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: true }}
          dataSource={trainingClass.sessions}
          columns={[
            { title: '课次', dataIndex: 'sessionNumber' },
            { title: '开始', dataIndex: 'startsAt', render: dateTime },
            { title: '结束', dataIndex: 'endsAt', render: dateTime },
            {
              title: '方式',
              dataIndex: 'mode',
              render: (mode: string) => (mode === 'online' ? '线上' : '线下'),
            },
            { title: '课时', dataIndex: 'classHours' },
            { title: '内容', dataIndex: 'topic' },
            { title: '地点', dataIndex: 'location' },
          ]}
        />
      )}
    </>
  );
}
