import { Alert, List, Modal, Progress } from 'antd';
import { useCallback, useState } from 'react';
import { errorText } from '../api.ts';

interface Failure {
  label: string;
  message: string;
}

/**
 * Runs one request per item, one after another (each is its own audited transaction on the
 * server), and shows a progress bar and the failures. Used for batch decisions.
 */
export function useBatch() {
  const [state, setState] = useState<{
    title: string;
    done: number;
    total: number;
    failures: Failure[];
    isRunning: boolean;
  } | null>(null);
  const run = useCallback(
    async <T,>(
      title: string,
      items: T[],
      labelOf: (item: T) => string,
      work: (item: T) => Promise<unknown>,
    ) => {
      const failures: Failure[] = [];
      setState({ title, done: 0, total: items.length, failures, isRunning: true });
      for (const [index, item] of items.entries()) {
        try {
          await work(item);
        } catch (error) {
          failures.push({ label: labelOf(item), message: errorText(error) });
        }
        setState({
          title,
          done: index + 1,
          total: items.length,
          failures: [...failures],
          isRunning: index + 1 < items.length,
        });
      }
      return failures;
    },
    [],
  );
  const modal = state && (
    <Modal
      open
      title={state.title}
      closable={!state.isRunning}
      maskClosable={false}
      footer={null}
      onCancel={() => setState(null)}
    >
      <Progress
        percent={Math.round((state.done / Math.max(state.total, 1)) * 100)}
        status={state.isRunning ? 'active' : state.failures.length > 0 ? 'exception' : 'success'}
        aria-label="进度"
      />
      <p>
        已处理 {state.done} / {state.total}，失败 {state.failures.length}
      </p>
      {state.failures.length > 0 && (
        <List
          size="small"
          bordered
          dataSource={state.failures}
          renderItem={(failure) => (
            <List.Item>
              <Alert type="error" title={`${failure.label}：${failure.message}`} />
            </List.Item>
          )}
        />
      )}
    </Modal>
  );
  return { run, modal };
}
