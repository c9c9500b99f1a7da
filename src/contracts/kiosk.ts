import { z } from 'zod';
import { Text } from './common';

// The 智慧党群活动中心's touch screen (issue 17): kiosk links made by the
// community's staff, the board the screen shows (the centre's public data
// only), and a volunteer's check-in by the screen's rotating QR code.

export const CreateKioskBody = z.object({
  orgId: z.uuid({ message: '请选择活动中心所在的组织' }),
  name: Text.pipe(z.string().trim().min(2, '请填写大屏名称').max(30, '名称不超过30字')),
});
export type CreateKioskBody = z.infer<typeof CreateKioskBody>;

export const KioskView = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  orgName: Text,
  name: Text,
  createdAt: Text,
  revokedAt: Text.nullable(),
  lastSeenAt: Text.nullable(),
});
export type KioskView = z.infer<typeof KioskView>;
export const KioskList = z.object({ items: z.array(KioskView) });
export type KioskList = z.infer<typeof KioskList>;

/** A new kiosk: its link, shown once (the server keeps only the token's hash). */
export const KioskCreated = z.object({ kiosk: KioskView, url: Text });
export type KioskCreated = z.infer<typeof KioskCreated>;

export const ListKiosksQuery = z.object({ orgId: z.uuid({ message: '编号格式不正确' }).optional() });
export type ListKiosksQuery = z.infer<typeof ListKiosksQuery>;

export const KioskTokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/, '大屏链接无效') });

export const KioskBoard = z.object({
  centre: z.object({ name: Text, kioskName: Text }),
  /** the business day shown (Beijing) */
  today: Text,
  generatedAt: Text,
  refreshSeconds: z.number().int(),
  /** today's activities of the centre's organisations, earliest first */
  activities: z.array(
    z.object({
      id: z.uuid(),
      title: Text,
      place: Text,
      startsAt: Text,
      endsAt: Text,
      capacity: z.number().int(),
      signedUp: z.number().int(),
      /** a club's meeting (社团活动): its club's name */
      clubName: Text.nullable(),
      /** the phone page a scan opens: sign-up before the start, check-in while it is open */
      checkInUrl: Text.nullable(),
      checkInExpiresAt: Text.nullable(),
    }),
  ),
  /** needs waiting for a volunteer in the centre's communities: no names, no addresses */
  needs: z.array(z.object({ id: z.uuid(), category: Text, title: Text, windowFrom: Text, windowTo: Text, publishedAt: Text })),
  /** the mall's items picked up here */
  mallItems: z.array(z.object({ id: z.uuid(), name: Text, kind: Text, pointsPrice: z.number().int(), stock: z.number().int(), pickupPlace: Text })),
});
export type KioskBoard = z.infer<typeof KioskBoard>;

export const CheckInBody = z.object({
  activityId: z.uuid({ message: '签到码无效，请重新扫描活动中心大屏上的二维码' }),
  kioskId: z.uuid({ message: '签到码无效，请重新扫描活动中心大屏上的二维码' }),
  token: z.string().min(1, '签到码无效，请重新扫描活动中心大屏上的二维码').max(64),
});
export type CheckInBody = z.infer<typeof CheckInBody>;

export const CheckInResult = z.object({ activityTitle: Text, arrivedAt: Text, centreName: Text, alreadyCheckedIn: z.boolean() });
export type CheckInResult = z.infer<typeof CheckInResult>;
