import { useState } from 'react';
import { Alert, App, Button, Modal, Space, Table, Typography, Upload } from 'antd';
import { MAX_EVENT_IMPORT_BYTES, type EventFileFormat, type ImportEventsResult } from '../../../shared/domain/event';
import { useT } from '../../app/hooks';
import { fileToBase64 } from './eventModel';
import { useImportEventsMutation } from './eventsApi';

type Picked = { name: string; format: EventFileFormat; dataBase64: string };

/**
 * 导入: a CSV (UTF-8) or .xlsx file with a Chinese header row (类型, 级别, 发生时间 needed; the columns an export
 * writes are read). The file is checked first (every row, errors by row number), then the valid rows are created in
 * one transaction.
 */
export function ImportModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [check, setCheck] = useState<ImportEventsResult | null>(null);
  const [run, state] = useImportEventsMutation();

  const reset = (): void => {
    setPicked(null);
    setCheck(null);
  };

  const pick = async (file: File): Promise<void> => {
    const lower = file.name.toLowerCase();
    const format: EventFileFormat | null = lower.endsWith('.csv') ? 'csv' : lower.endsWith('.xlsx') ? 'xlsx' : null;
    if (!format) {
      message.error(t('events.import.badType'));
      return;
    }
    if (file.size > MAX_EVENT_IMPORT_BYTES) {
      message.error(t('events.import.tooBig'));
      return;
    }
    const next = { name: file.name, format, dataBase64: await fileToBase64(file) };
    setPicked(next);
    setCheck(null);
    try {
      setCheck(await run({ fileName: next.name, format, dataBase64: next.dataBase64, dryRun: true }).unwrap());
    } catch (err) {
      message.error((err as { message?: string }).message ?? String(err));
    }
  };

  const commit = async (): Promise<void> => {
    if (!picked) return;
    try {
      const result = await run({ fileName: picked.name, format: picked.format, dataBase64: picked.dataBase64, dryRun: false }).unwrap();
      message.success(t('events.import.done', { created: result.created, errors: result.errors.length }));
      reset();
      onClose();
    } catch (err) {
      message.error((err as { message?: string }).message ?? String(err));
    }
  };

  return (
    <Modal
      open={open}
      title={t('events.import.title')}
      width={680}
      onCancel={() => {
        reset();
        onClose();
      }}
      okText={check ? t('events.import.commit', { n: check.valid }) : t('events.import.title')}
      okButtonProps={{ disabled: !check || check.valid === 0, 'data-testid': 'event-import-commit' } as React.ComponentProps<typeof Button>}
      confirmLoading={state.isLoading}
      onOk={() => void commit()}
      data-testid="event-import"
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('events.import.help')}
        </Typography.Paragraph>
        <Upload
          accept=".csv,.xlsx"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(file) => {
            void pick(file);
            return false;
          }}
        >
          <Button data-testid="event-import-pick">{t('events.import.pick')}</Button>
        </Upload>
        {picked ? <Typography.Text>{picked.name}</Typography.Text> : null}
        {check ? (
          <>
            <Alert
              type={check.errors.length ? 'warning' : 'success'}
              showIcon
              message={t('events.import.checked', { rows: check.rows, valid: check.valid, errors: check.errors.length })}
              data-testid="event-import-summary"
            />
            {check.errors.length ? (
              <Table
                size="small"
                rowKey="row"
                pagination={false}
                scroll={{ y: 240 }}
                dataSource={check.errors}
                columns={[
                  { title: t('events.import.row'), dataIndex: 'row', width: 80 },
                  { title: t('events.import.problem'), dataIndex: 'message' },
                ]}
                data-testid="event-import-errors"
              />
            ) : null}
          </>
        ) : null}
      </Space>
    </Modal>
  );
}
