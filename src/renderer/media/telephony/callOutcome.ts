import type { CallOutcome } from '../../../shared/domain/telephony';

/** How a call that was never answered ended, from the final SIP response (RFC 3261 §21). */
export function outcomeOfRejection(statusCode: number): CallOutcome {
  switch (statusCode) {
    case 404: // Not Found
    case 484: // Address Incomplete
    case 604: // Does Not Exist Anywhere
      return 'not-found';
    case 486: // Busy Here
    case 600: // Busy Everywhere
      return 'busy';
    case 603: // Decline
      return 'rejected';
    case 408: // Request Timeout
    case 480: // Temporarily Unavailable
      return 'no-answer';
    case 487: // Request Terminated (our CANCEL)
      return 'cancelled';
    default:
      return 'failed';
  }
}

/** The outcome of a call that ended, from what we know about it. */
export function finalOutcome(call: {
  direction: 'in' | 'out';
  answered: boolean;
  /** Set by the one who ended it (cancel by us, no-answer timer, drop watchdog, rejection code …). */
  endedWith: CallOutcome | null;
}): CallOutcome {
  if (call.endedWith === 'dropped' || call.endedWith === 'interrupted') return call.endedWith;
  if (call.answered) return 'answered';
  if (call.endedWith) return call.endedWith;
  // Not answered, no reason known: an incoming call the caller gave up on is missed; an outgoing one failed.
  return call.direction === 'in' ? 'missed' : 'failed';
}

/** zh-CN text of an outcome for the history and the calls panel. */
export const OUTCOME_TEXT: Record<CallOutcome, string> = {
  answered: '已接通',
  missed: '未接',
  rejected: '已拒接',
  busy: '对方忙',
  'no-answer': '无人接听',
  'not-found': '号码不存在',
  failed: '呼叫失败',
  cancelled: '已取消',
  dropped: '通话中断',
  interrupted: '调度台退出时中断',
};

/** mm:ss or h:mm:ss of a duration in ms. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** MM-DD HH:mm:ss in local time. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
