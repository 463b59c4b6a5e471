import { useState } from 'react';
import { App, Button, Input, Popover, Radio, Space, Tag, Typography } from 'antd';
import type { Alarm, AlarmStep } from '../../../shared/domain/alarm';
import { useGetSettingsQuery } from '../settings/settingsApi';
import { useGetSyncStatusQuery } from '../sync/syncApi';
import { useAddAlarmStepMutation } from './alarmsApi';
import { LEVEL_NAMES } from './alarmModel';

/**
 * 分级预警 and the handling workflow of one alarm: where it stands (确认收到 by the regulator, the mines' 处置反馈,
 * 审核) and the step this seat's role may take — a government seat confirms receipt and reviews, an enterprise seat
 * reports its disposal plan and result. Each step is stored (and sent to the other seats) before it shows.
 */
export function AlarmWorkflow({ alarm, steps }: { alarm: Alarm; steps: AlarmStep[] }) {
  const { data: settings } = useGetSettingsQuery();
  const role = settings?.seatRole ?? 'government';
  const reviewMinLevel = settings?.alarmOptions.reviewMinLevel ?? 3;
  const tiered = alarm.level >= reviewMinLevel;
  const receipts = steps.filter((s) => s.action === 'receipt');
  const feedback = steps.filter((s) => s.action === 'feedback');
  const review = [...steps].reverse().find((s) => s.action === 'review');
  const { data: sync } = useGetSyncStatusQuery();
  const confirmedHere = sync !== undefined && receipts.some((r) => r.seatId === sync.seatId);

  return (
    <section className="alarm-workflow" data-testid="alarm-workflow">
      <Space size={6} wrap>
        {tiered ? (
          <Tag color="red">分级预警：≥{LEVEL_NAMES[reviewMinLevel]}，需政府确认收到并审核</Tag>
        ) : (
          <Tag>{LEVEL_NAMES[alarm.level]}：接警、消警即可</Tag>
        )}
        <Tag color={receipts.length ? 'success' : tiered ? 'warning' : 'default'} data-testid="workflow-receipt">
          {receipts.length ? `已确认收到（${receipts.map((r) => r.actor).join('、')}）` : '待确认收到'}
        </Tag>
        <Tag color={feedback.length ? 'processing' : 'default'} data-testid="workflow-feedback">
          {feedback.length ? `企业反馈 ${feedback.length} 条` : '暂无企业反馈'}
        </Tag>
        <Tag color={review ? REVIEW_TAG[review.detail?.verdict ?? 'none'].color : tiered ? 'warning' : 'default'} data-testid="workflow-review">
          {review ? REVIEW_TAG[review.detail?.verdict ?? 'none'].text : '待审核'}
        </Tag>
      </Space>
      <div className="alarm-workflow__actions">{role === 'government' ? <GovernmentActions alarm={alarm} confirmed={confirmedHere} /> : <EnterpriseActions alarm={alarm} />}</div>
    </section>
  );
}

function useStep() {
  const { message } = App.useApp();
  const [add, state] = useAddAlarmStepMutation();
  const run = async (input: Parameters<typeof add>[0]): Promise<boolean> => {
    const result = await add(input);
    if ('error' in result && result.error) {
      message.error((result.error as { message?: string }).message ?? '操作失败');
      return false;
    }
    return true;
  };
  return { run, busy: state.isLoading };
}

const REVIEW_TAG = {
  approved: { text: '审核通过', color: 'success' },
  returned: { text: '审核退回', color: 'error' },
  // A review from a seat of a version without verdicts.
  none: { text: '已审核', color: 'processing' },
} as const;

function GovernmentActions({ alarm, confirmed }: { alarm: Alarm; confirmed: boolean }) {
  const { run, busy } = useStep();
  const [open, setOpen] = useState(false);
  const [verdict, setVerdict] = useState<'approved' | 'returned'>('approved');
  const [text, setText] = useState('');
  return (
    <Space size={8}>
      <Button size="small" loading={busy} disabled={confirmed} data-testid="workflow-do-receipt" onClick={() => void run({ id: alarm.id, action: 'receipt' })}>
        {confirmed ? '本席位已确认' : '确认收到'}
      </Button>
      <Popover
        open={open}
        onOpenChange={setOpen}
        trigger="click"
        title="审核"
        content={
          <Space direction="vertical" style={{ width: 300 }}>
            <Radio.Group value={verdict} onChange={(e) => setVerdict(e.target.value as typeof verdict)} data-testid="workflow-verdict">
              <Radio value="approved">通过</Radio>
              <Radio value="returned">退回（要求企业重新反馈）</Radio>
            </Radio.Group>
            <Input.TextArea rows={2} maxLength={200} value={text} onChange={(e) => setText(e.target.value)} placeholder="审核意见（可选）" data-testid="workflow-review-text" />
            <Button
              type="primary"
              size="small"
              loading={busy}
              data-testid="workflow-review-confirm"
              onClick={() =>
                void run({ id: alarm.id, action: 'review', verdict, ...(text.trim() ? { text: text.trim() } : {}) }).then((ok) => {
                  if (!ok) return;
                  setOpen(false);
                  setText('');
                })
              }
            >
              提交审核
            </Button>
          </Space>
        }
      >
        <Button size="small" data-testid="workflow-do-review">
          审核
        </Button>
      </Popover>
    </Space>
  );
}

function EnterpriseActions({ alarm }: { alarm: Alarm }) {
  const { run, busy } = useStep();
  const [open, setOpen] = useState(false);
  const [plan, setPlan] = useState('');
  const [result, setResult] = useState('');
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      title="处置反馈"
      content={
        <Space direction="vertical" style={{ width: 340 }}>
          <Typography.Text type="secondary">处置方案</Typography.Text>
          <Input.TextArea rows={2} maxLength={500} value={plan} onChange={(e) => setPlan(e.target.value)} data-testid="workflow-plan" />
          <Typography.Text type="secondary">处置结果</Typography.Text>
          <Input.TextArea rows={2} maxLength={500} value={result} onChange={(e) => setResult(e.target.value)} data-testid="workflow-result" />
          <Button
            type="primary"
            size="small"
            loading={busy}
            data-testid="workflow-feedback-confirm"
            onClick={() =>
              void run({ id: alarm.id, action: 'feedback', plan: plan.trim(), result: result.trim() }).then((ok) => {
                if (!ok) return;
                setOpen(false);
                setPlan('');
                setResult('');
              })
            }
          >
            提交反馈
          </Button>
        </Space>
      }
    >
      <Button size="small" type="primary" data-testid="workflow-do-feedback">
        处置反馈
      </Button>
    </Popover>
  );
}
