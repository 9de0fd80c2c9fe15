import { Typography } from 'antd';
import { call, client } from '../../api/client.ts';
import { ArchiveView } from '../../components/ArchiveView.tsx';
import { LoadState } from '../../components/common.tsx';
import { useLoad } from '../../hooks.ts';

/** The worker's own electronic training archive (phone-friendly). */
export function ArchivePage() {
  const loaded = useLoad(() => call(client.GET('/api/me/archive')));
  return (
    <div className="page narrow-page">
      <Typography.Title level={1} className="page-title">
        我的培训档案
      </Typography.Title>
      <LoadState loaded={loaded}>{(archive) => <ArchiveView archive={archive} />}</LoadState>
    </div>
  );
}
