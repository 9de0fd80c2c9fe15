import { ClockCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Popconfirm, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { call, client } from '../api/client.ts';
import { errorText } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { setBusinessNow } from '../format.ts';
import { useLoad } from '../hooks.ts';

/**
 * The business date on every page (GET /api/clock): a training environment runs on the
 * programme's own dates (2021), which differ from the calendar. On the training clock a system
 * administrator moves the date forward here (POST /api/demo/clock; audited, never backwards).
 */
export function BusinessDateBanner() {
  const { can } = useAuth();
  const { message } = App.useApp();
  const clock = useLoad(() => call(client.GET('/api/clock')));
  const [target, setTarget] = useState<Dayjs | null>(null);
  const [isBusy, setBusy] = useState(false);
  if (!clock.data) return null;
  const { today, isTrainingClock } = clock.data;
  const mayMove = Boolean(isTrainingClock) && can('user.admin');

  const move = async () => {
    if (!target) return;
    setBusy(true);
    try {
      const moved = await call(
        client.POST('/api/demo/clock', { body: { date: target.format('YYYY-MM-DD') } }),
      );
      setBusinessNow(moved.now);
      message.success(`业务日期已推进到 ${moved.today}`);
      // Every page re-reads its data on the new date.
      window.location.reload();
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Alert
      className="business-date-banner"
      type={isTrainingClock ? 'warning' : 'info'}
      banner
      icon={<ClockCircleOutlined />}
      data-testid="business-date"
      title={
        <Space wrap size="small">
          <Typography.Text strong>业务日期：{today}</Typography.Text>
          {isTrainingClock && (
            <Typography.Text type="secondary">培训环境（演示数据，业务时钟）</Typography.Text>
          )}
          {mayMove && (
            <>
              <DatePicker
                size="small"
                aria-label="新的业务日期"
                placeholder="新的业务日期"
                value={target}
                onChange={setTarget}
                disabledDate={(day) => !day.isAfter(dayjs(today), 'day')}
              />
              <Popconfirm
                title="推进业务日期"
                description={`将业务日期从 ${today} 推进到 ${target?.format('YYYY-MM-DD') ?? '—'}，推进后不能回退，操作记入审计日志。`}
                okText="确认推进"
                cancelText="取消"
                onConfirm={() => void move()}
                disabled={!target}
              >
                <Button size="small" type="primary" disabled={!target} loading={isBusy}>
                  推进业务日期
                </Button>
              </Popconfirm>
            </>
          )}
        </Space>
      }
    />
  );
}
