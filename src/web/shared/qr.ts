import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

// QR codes drawn in the browser (a meeting's sign-in code, the centre's kiosk).

/** A data: URL of the QR code of `text` (the previous image stays until the new one is drawn). */
export function useQrImage(text: string | null): string | null {
  const [img, setImg] = useState<string | null>(null);
  useEffect(() => {
    if (!text) return;
    let live = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 640 }).then(
      (url) => live && setImg(url),
      () => live && setImg(null),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return text ? img : null;
}

