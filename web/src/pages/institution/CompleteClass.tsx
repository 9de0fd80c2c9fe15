import { App, Button, Popconfirm } from 'antd';
import { useState } from 'react';
import { call, client } from '../../api/client.ts';
import { errorText } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { businessNow } from '../../format.ts';

/**
 * 结业: the school closes an approved class once its last session has ended on the business
 * clock; the server checks again. After it the class takes no new trainees.
 */
export function CompleteClassButton({
  trainingClass,
  onDone,
}: {
  trainingClass: { id: number; status: string; endsAt: string };
  onDone: () => void;
}) {
  const { can } = useAuth();
  const { message } = App.useApp();
  const [isBusy, setBusy] = useState(false);
  if (!can('class.file') || trainingClass.status !== 'approved') return null;
  const hasEnded = new Date(trainingClass.endsAt).getTime() <= businessNow().getTime();
  const complete = async () => {
    setBusy(true);
    try {
      await call(
        client.POST('/api/classes/{id}/complete', { params: { path: { id: trainingClass.id } }, body: {} }),
      );
      message.success('已办理结业');
      onDone();
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popconfirm
      title="办理结业"
      description="结业后本班不再接收新学员；考勤、成绩、证书和补贴申请照常办理。"
      okText="确认结业"
      cancelText="取消"
      onConfirm={() => void complete()}
      disabled={!hasEnded}
    >
      <Button
        loading={isBusy}
        disabled={!hasEnded}
        title={hasEnded ? undefined : '最后一次课程结束后方可结业'}
      >
        办理结业
      </Button>
    </Popconfirm>
  );
}
