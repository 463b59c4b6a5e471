import { useEffect, useState } from 'react';
import { Alert, App, Button, Input, Modal, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { DEFAULT_REPORT_TEMPLATE_ID, REPORT_PLACEHOLDERS, type ConsoleEvent } from '../../../shared/domain/event';
import { useT } from '../../app/hooks';
import { saveText } from './eventModel';
import { useDeleteReportTemplateMutation, useListReportTemplatesQuery, useRenderEventReportQuery, useSaveReportTemplateMutation } from './eventsApi';

/** Waits until the value rests for `ms` (the preview is rendered on the Node side). */
function useDebounced<T>(value: T, ms: number): T {
  const [rested, setRested] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setRested(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return rested;
}

/**
 * 快报: pick a template, edit it (placeholders like {{类型}} inserted with a click), see the report of this event
 * rendered by the Node side as you type, save the template (or as a new one), copy the report or download it as .txt.
 * Keyed by the event in its parent, so each event starts from the stored template.
 */
export function ReportModal({ event, onClose }: { event: ConsoleEvent | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const { data: templates } = useListReportTemplatesQuery(undefined, { skip: !event });
  const [templateId, setTemplateId] = useState(DEFAULT_REPORT_TEMPLATE_ID);
  const [body, setBody] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const [saveTemplate, saveState] = useSaveReportTemplateMutation();
  const [deleteTemplate] = useDeleteReportTemplateMutation();
  const template = templates?.find((x) => x.id === templateId) ?? templates?.[0] ?? null;
  const text = body ?? template?.body ?? '';
  const rested = useDebounced(text, 250);
  const { data: report, error } = useRenderEventReportQuery({ eventId: event?.id ?? '', body: rested }, { skip: !event || !template });

  const choose = (id: string): void => {
    setTemplateId(id);
    setBody(null);
  };

  const insert = (name: string): void => {
    const area = document.querySelector<HTMLTextAreaElement>('[data-testid="report-template-body"]');
    const token = `{{${name}}}`;
    if (!area) return setBody(text + token);
    const { selectionStart: s, selectionEnd: e } = area;
    setBody(text.slice(0, s) + token + text.slice(e));
  };

  const save = async (asNew: boolean): Promise<void> => {
    if (!template) return;
    try {
      const saved = await saveTemplate(asNew ? { name: newName.trim(), body: text } : { id: template.id, name: template.name, body: text }).unwrap();
      setTemplateId(saved.id);
      setBody(null);
      setNewName('');
      message.success(t('events.report.saved'));
    } catch (err) {
      message.error((err as { message?: string }).message ?? String(err));
    }
  };

  const copy = async (): Promise<void> => {
    if (!report) return;
    try {
      await navigator.clipboard.writeText(report.text);
      message.success(t('events.report.copied'));
    } catch {
      message.error(t('events.report.copyFailed'));
    }
  };

  const dirty = body !== null && body !== template?.body;

  return (
    <Modal
      open={event !== null}
      title={t('events.report.title')}
      width={1100}
      onCancel={onClose}
      footer={
        <Space>
          <Button onClick={() => void copy()} disabled={!report} data-testid="report-copy">
            {t('events.report.copy')}
          </Button>
          <Button type="primary" onClick={() => report && saveText(report.text, report.fileName)} disabled={!report} data-testid="report-download">
            {t('events.report.download')}
          </Button>
        </Space>
      }
      data-testid="report-modal"
    >
      <div style={{ display: 'flex', gap: 16, minHeight: 480 }}>
        <div style={{ flex: 1, display: 'flex', flexDirection: 'column', gap: 8, minWidth: 0 }}>
          <Space wrap>
            <Select
              style={{ width: 240 }}
              value={template?.id}
              onChange={choose}
              options={(templates ?? []).map((x) => ({ value: x.id, label: x.builtin ? `${x.name}（${t('events.report.builtin')}）` : x.name }))}
              data-testid="report-template"
            />
            <Button onClick={() => void save(false)} disabled={!dirty} loading={saveState.isLoading} data-testid="report-template-save">
              {t('events.report.saveTemplate')}
            </Button>
            {template && !template.builtin ? (
              <Popconfirm
                title={t('events.report.deleteConfirm', { name: template.name })}
                onConfirm={() =>
                  void deleteTemplate(template.id)
                    .unwrap()
                    .then(() => choose(DEFAULT_REPORT_TEMPLATE_ID))
                }
              >
                <Button danger>{t('events.report.deleteTemplate')}</Button>
              </Popconfirm>
            ) : null}
          </Space>
          <div>
            <Typography.Text type="secondary">{t('events.report.placeholders')}</Typography.Text>
            <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginTop: 4 }}>
              {Object.keys(REPORT_PLACEHOLDERS).map((name) => (
                <Tag key={name} style={{ cursor: 'pointer' }} onClick={() => insert(name)}>
                  {name}
                </Tag>
              ))}
            </div>
          </div>
          <Input.TextArea value={text} onChange={(e) => setBody(e.target.value)} style={{ flex: 1, fontFamily: 'monospace' }} maxLength={10_000} data-testid="report-template-body" />
          <Space.Compact>
            <Input value={newName} onChange={(e) => setNewName(e.target.value)} maxLength={64} placeholder={t('events.report.newName')} />
            <Button onClick={() => void save(true)} disabled={!newName.trim()} data-testid="report-template-save-as">
              {t('events.report.saveAs')}
            </Button>
          </Space.Compact>
        </div>
        <div style={{ flex: 1, display: 'flex', flexDirection: 'column', gap: 8, minWidth: 0 }}>
          <Typography.Text strong>{t('events.report.preview')}</Typography.Text>
          {error ? <Alert type="error" showIcon message={(error as { message?: string }).message} /> : null}
          {report && report.unknown.length > 0 ? (
            <Alert type="warning" showIcon message={t('events.report.unknown', { names: report.unknown.join('、') })} data-testid="report-unknown" />
          ) : null}
          <pre className="event-report-preview" data-testid="report-preview" style={{ flex: 1, margin: 0, padding: 12, whiteSpace: 'pre-wrap', overflow: 'auto', border: '1px solid rgba(255,255,255,0.15)', borderRadius: 6, fontFamily: 'inherit', minHeight: 400 }}>
            {report?.text ?? ''}
          </pre>
        </div>
      </div>
    </Modal>
  );
}
