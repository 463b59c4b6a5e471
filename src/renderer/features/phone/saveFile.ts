import { base64ToBytes } from '../../media';

/** Saves bytes as a file through the browser's download (both hosts). */
export function saveBase64(base64: string, mimeType: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([base64ToBytes(base64)], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
