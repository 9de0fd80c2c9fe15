import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, List, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { call, client, multipart } from '../api/client.ts';
import type { MaterialItem } from '../api/types.ts';
import { errorText } from '../api.ts';
import { dateTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { CitationTag, LoadState } from './common.tsx';

/** The file types the server accepts for claim materials (pdf, jpeg, png, mp4, xlsx, csv). */
const ACCEPTED = '.pdf,.jpg,.jpeg,.png,.mp4,.xlsx,.csv';
const ACCEPTED_TYPES = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'video/mp4',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv',
]);

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The claim's materials checklist (申报材料清单): each required item with an upload button while
 * the claim can still be changed, and each waived item with the reason and the article that
 * waives it. The server decides the list by jurisdiction, subsidy kind and applicant.
 */
export function ClaimMaterials({
  claimId,
  canUpload,
  onChanged,
}: {
  claimId: number;
  canUpload: boolean;
  onChanged?: () => void;
}) {
  const { message } = App.useApp();
  const loaded = useLoad(
    () => call(client.GET('/api/claims/{id}/materials', { params: { path: { id: claimId } } })),
    [claimId],
  );
  const [uploading, setUploading] = useState<string | null>(null);

  const upload = async (item: MaterialItem, file: File) => {
    if (file.type && !ACCEPTED_TYPES.has(file.type)) {
      message.error(`不支持的文件类型：${file.name}（可上传 PDF、JPG、PNG、MP4、xlsx、CSV）`);
      return;
    }
    setUploading(item.code);
    try {
      // The server reads materialCode before the file, so it must come first in the form.
      const form = new FormData();
      form.append('materialCode', item.code);
      form.append('file', file, file.name);
      await call(
        client.POST('/api/claims/{id}/attachments', {
          params: { path: { id: claimId } },
          ...multipart(form),
        }),
      );
      message.success(`已上传：${item.label}（${file.name}）`);
      loaded.reload();
      onChanged?.();
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setUploading(null);
    }
  };

  return (
    <Card title="申报材料" data-testid="claim-materials">
      <LoadState loaded={loaded}>
        {({ items }) => {
          const missing = items.filter((item) => item.isRequired && item.attachments.length === 0);
          return (
            <Space direction="vertical" className="full-width">
              {missing.length > 0 ? (
                <Alert
                  type="warning"
                  showIcon
                  data-testid="materials-missing"
                  title={`尚缺 ${missing.length} 项必备材料：${missing.map((item) => item.label).join('、')}`}
                />
              ) : (
                <Alert type="success" showIcon data-testid="materials-complete" title="必备材料已齐全" />
              )}
              <List
                itemLayout="vertical"
                dataSource={items}
                renderItem={(item) => (
                  <List.Item key={item.code} data-testid={`material-${item.code}`}>
                    <Space wrap align="center">
                      <Typography.Text strong>{item.label}</Typography.Text>
                      {item.isRequired ? (
                        item.attachments.length > 0 ? (
                          <Tag color="green">已上传</Tag>
                        ) : (
                          <Tag color="orange">必备，未上传</Tag>
                        )
                      ) : (
                        <Tag color="blue">免于提供</Tag>
                      )}
                      <Typography.Text type="secondary">{item.note}</Typography.Text>
                      <CitationTag citation={item.citation} />
                    </Space>
                    {item.attachments.length > 0 && (
                      <ul className="material-files">
                        {item.attachments.map((attachment) => (
                          <li key={attachment.id}>
                            <PaperClipOutlined /> {attachment.fileName} · {fileSize(attachment.sizeBytes)} ·{' '}
                            上传记录时间（系统时钟）{dateTime(attachment.uploadedAt)} ·{' '}
                            <Typography.Text type="secondary" code title={attachment.sha256}>
                              SHA-256 {attachment.sha256.slice(0, 12)}…
                            </Typography.Text>
                          </li>
                        ))}
                      </ul>
                    )}
                    {canUpload && item.isRequired && (
                      <Upload
                        accept={ACCEPTED}
                        showUploadList={false}
                        beforeUpload={(file) => {
                          void upload(item, file);
                          return false;
                        }}
                      >
                        <Button
                          icon={<UploadOutlined />}
                          loading={uploading === item.code}
                          aria-label={`上传${item.label}`}
                        >
                          {item.attachments.length > 0 ? '再上传一份' : '上传'}
                        </Button>
                      </Upload>
                    )}
                  </List.Item>
                )}
              />
              {canUpload && (
                <Typography.Text type="secondary">
                  可上传 PDF、JPG、PNG、MP4、xlsx、CSV 文件，单个不超过 50 MB；文件按 SHA-256
                  存档，提交后不能更改。
                </Typography.Text>
              )}
            </Space>
          );
        }}
      </LoadState>
    </Card>
  );
}
