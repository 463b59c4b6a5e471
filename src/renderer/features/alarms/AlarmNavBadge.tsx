import { Badge } from 'antd';
import { useAppSelector } from '../../app/hooks';

/**
 * The unhandled count on the 警情事件 menu item. Its own component: during a burst the count changes every frame,
 * and only this badge should render again, not the shell and the page under it.
 */
export function AlarmNavBadge() {
  const unhandled = useAppSelector((s) => s.alarms.pending.length);
  return unhandled > 0 ? <Badge className="shell__badge" count={unhandled} overflowCount={99} size="small" data-testid="alarm-badge" /> : null;
}
