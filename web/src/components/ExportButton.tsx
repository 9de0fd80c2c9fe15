import { DownloadOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import { saveFile } from '../api/client.ts';
import { errorText } from '../api.ts';

/**
 * 导出 xlsx: downloads what the list shows, filtered as it is filtered (the server reads the same
 * filters, applies the caller's scope and masks personal data as the list does).
 *
 *   <ExportButton fileName="实名人员.xlsx" request={() => client.GET('/api/persons.xlsx', { params: { query }, parseAs: 'blob' })} />
 */
export function ExportButton({
  request,
  fileName,
  label = '导出 xlsx',
}: {
  request(): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  fileName: string;
  label?: string;
}) {
  const { message } = App.useApp();
  const [isBusy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await saveFile(request(), fileName);
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={<DownloadOutlined />} loading={isBusy} onClick={() => void run()}>
      {label}
    </Button>
  );
}
