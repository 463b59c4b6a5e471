import { useState } from 'react';
import { App, AutoComplete, Button, Popover, Space } from 'antd';
import { DISMISS_REASONS, type Alarm } from '../../../shared/domain/alarm';
import { useAcceptAlarmMutation, useDismissAlarmMutation } from './alarmsApi';

/**
 * 接警 and 消警 for one alarm. 消警 asks for a reason: one of the usual ones or free text. Both are stored (with the
 * operator and time) before the buttons change; a conflict (another seat handled it first) says who did.
 */
export function AlarmActions({
  alarm,
  size = 'middle',
  onReasonOpen,
}: {
  alarm: Alarm;
  size?: 'small' | 'middle';
  /** The 消警 reason opened or closed (the pop-up keeps its alarm while it is open). */
  onReasonOpen?: (open: boolean) => void;
}) {
  const { message } = App.useApp();
  const [accept, acceptState] = useAcceptAlarmMutation();
  const [dismiss, dismissState] = useDismissAlarmMutation();
  const [open, setOpenState] = useState(false);
  const [reason, setReason] = useState('');
  const setOpen = (next: boolean): void => {
    setOpenState(next);
    onReasonOpen?.(next);
  };

  const fail = (result: { error?: unknown }): boolean => {
    if (!('error' in result) || !result.error) return false;
    message.error((result.error as { message?: string }).message ?? '操作失败');
    return true;
  };
  const doDismiss = async (): Promise<void> => {
    const why = reason.trim();
    if (!why) {
      message.warning('请选择或填写消警原因');
      return;
    }
    if (fail(await dismiss({ id: alarm.id, reason: why }))) return;
    setOpen(false);
    setReason('');
  };

  return (
    <Space size={8} data-testid="alarm-actions">
      <Button
        type="primary"
        size={size}
        disabled={alarm.state !== 'new'}
        loading={acceptState.isLoading}
        data-testid="alarm-accept"
        onClick={() => void accept(alarm.id).then(fail)}
      >
        接警
      </Button>
      <Popover
        open={open}
        onOpenChange={setOpen}
        trigger="click"
        title="消警原因"
        content={
          <Space.Compact style={{ width: 300 }}>
            <AutoComplete
              autoFocus
              style={{ flex: 1 }}
              value={reason}
              onChange={setReason}
              options={DISMISS_REASONS.map((r) => ({ value: r }))}
              placeholder="选择或填写原因"
              data-testid="alarm-dismiss-reason"
              maxLength={200}
            />
            <Button type="primary" danger loading={dismissState.isLoading} data-testid="alarm-dismiss-confirm" onClick={() => void doDismiss()}>
              确定
            </Button>
          </Space.Compact>
        }
      >
        <Button size={size} danger disabled={alarm.state === 'dismissed'} data-testid="alarm-dismiss">
          消警
        </Button>
      </Popover>
    </Space>
  );
}
