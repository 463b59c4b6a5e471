import { useEffect, useMemo } from 'react';
import { Empty, Spin } from 'antd';
import type { Alarm } from '../../../shared/domain/alarm';
import { base64ToBytes } from '../../media';
import { useReadAlarmPictureQuery } from './alarmsApi';

/**
 * The alarm's picture with the source's detection boxes drawn over it (boxes are fractions of the picture, so they
 * sit right at any size). The picture is fetched once per alarm and kept as a blob URL while shown.
 */
export function AlarmPicture({ alarm, height }: { alarm: Alarm; height: number }) {
  const hasPicture = alarm.picture !== null;
  const { data, error } = useReadAlarmPictureQuery(alarm.id, { skip: !hasPicture });
  const url = useMemo(() => (data ? URL.createObjectURL(new Blob([base64ToBytes(data.dataBase64)], { type: data.mimeType })) : null), [data]);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const failed = error ? ((error as { message?: string }).message ?? '图片读取失败') : null;

  if (!hasPicture) return <Empty className="alarm-picture alarm-picture--none" style={{ height }} description="无报警图片" image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  if (failed) return <Empty className="alarm-picture alarm-picture--none" style={{ height }} description={failed} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  if (!url) return <Spin className="alarm-picture alarm-picture--loading" style={{ height }} />;
  return (
    <div className="alarm-picture" style={{ height }} data-testid="alarm-picture">
      <div className="alarm-picture__frame">
        <img src={url} alt="报警图片" data-testid="alarm-picture-img" />
        <svg className="alarm-picture__boxes" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden>
          {alarm.boxes.map((b, i) => (
            <rect key={i} data-testid="alarm-box" x={b.x * 100} y={b.y * 100} width={b.w * 100} height={b.h * 100} />
          ))}
        </svg>
        {alarm.boxes.map((b, i) =>
          b.label || b.score !== null ? (
            <span key={i} className="alarm-picture__label" style={{ left: `${b.x * 100}%`, top: `${b.y * 100}%` }}>
              {[b.label, b.score !== null ? `${Math.round(b.score * 100)}%` : null].filter(Boolean).join(' ')}
            </span>
          ) : null,
        )}
      </div>
    </div>
  );
}
