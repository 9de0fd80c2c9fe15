import { Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { PersonRecord } from '../../components/PersonRecord.tsx';

/** 人员详情: a person's record, the claim lines naming the person and the training archive. */
export function PersonDetailPage() {
  const { id } = useParams();
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        人员详情
      </Typography.Title>
      <PersonRecord personId={Number(id)} />
    </div>
  );
}
