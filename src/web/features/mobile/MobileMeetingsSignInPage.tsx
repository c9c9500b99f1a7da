import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from 'antd';
import { CheckCircleFilled, ClockCircleFilled, CloseCircleFilled, ExclamationCircleFilled, LoadingOutlined } from '@ant-design/icons';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { usePageTitle } from '../../shared/use-title';
import { useMeeting, useSignIn, type MeetingDetail } from '../meeting/api';
import { clock, shortDateTime } from './MobileMeetingsShared';
import './meetings.css';

// The page the host's QR code opens (/m/meetings/:id/sign-in?t=…): it signs
// the member in once, on arrival, and says what happened in plain words with
// what to do next. Signing in is optional (RULES §8): whoever cannot, is
// marked by the recorder — the page says so wherever it fails.

type Tone = 'success' | 'info' | 'wait' | 'warning' | 'error';
const ICONS: Record<Tone, ReactNode> = {
  success: <CheckCircleFilled style={{ color: '#52c41a' }} />,
  info: <CheckCircleFilled style={{ color: '#1677ff' }} />,
  wait: <ClockCircleFilled style={{ color: '#faad14' }} />,
  warning: <ExclamationCircleFilled style={{ color: '#faad14' }} />,
  error: <CloseCircleFilled style={{ color: '#cf1322' }} />,
};
const OPTIONAL = '签到不是必须的：未能扫码签到的，会议记录人会登记您的出席情况。';

function Result({ tone, title, children, actions }: { tone: Tone; title: string; children: ReactNode; actions: ReactNode }) {
  return (
    <section className="m-card m-mt-result" data-testid="sign-in-result" data-tone={tone} role={tone === 'success' || tone === 'info' ? 'status' : 'alert'}>
      <div className="m-mt-result-icon" aria-hidden>
        {ICONS[tone]}
      </div>
      <h1 className="m-mt-result-title">{title}</h1>
      <div className="m-mt-result-body">{children}</div>
      <div className="m-mt-result-actions">{actions}</div>
    </section>
  );
}

/** When the member signed in, from the meeting (for 已签到, or a stale code after signing in). */
function signedLine(d: MeetingDetail | undefined): string | null {
  const a = d?.me.attendee;
  if (!a || a.attendance !== 'present') return null;
  if (a.method === 'qr' && a.signedAt) return `签到时间：${formatDateTime(a.signedAt)}`;
  return '会议记录人已登记您出席。';
}

export function MobileMeetingsSignInPage() {
  usePageTitle('会议签到');
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const token = params.get('t') ?? '';
  const navigate = useNavigate();
  const signIn = useSignIn(id);
  const { mutate } = signIn;

  // sign in once per code: React's strict mode runs effects twice, and a reload
  // (a new page) asks again, which the server answers with 已签到
  const sent = useRef<string | null>(null);
  useEffect(() => {
    const key = `${id}|${token}`;
    if (!id || !token || sent.current === key) return;
    sent.current = key;
    mutate(token);
  }, [id, token, mutate]);

  const code = signIn.error instanceof ApiError ? signIn.error.code : signIn.isError ? 'NETWORK' : null;
  // for 已签到, a closed window or a stale code: the meeting says whether the member is already in, and when signing opens
  const needMeeting = code === 'SIGNIN_DUPLICATE' || code === 'SIGNIN_TOKEN_INVALID' || code === 'SIGNIN_CLOSED';
  const meeting = useMeeting(needMeeting ? id : undefined);
  const d = meeting.data;
  const meetingTitle = signIn.data?.meetingTitle ?? d?.title;

  const toMeeting = (
    <Button type="primary" className="m-action" onClick={() => void navigate(`/m/meetings/${id}`)}>
      查看会议
    </Button>
  );
  const toList = (
    <Button className="m-action" onClick={() => void navigate('/m/meetings')}>
      我的会议
    </Button>
  );
  const title = meetingTitle ? <p className="m-mt-result-meeting">{meetingTitle}</p> : null;

  if (!token) {
    return (
      <Result tone="error" title="签到码无效" actions={toList}>
        <p>这个链接缺少签到码。请用手机相机或微信“扫一扫”扫描会场展示的二维码。</p>
        <p className="m-mt-result-note">{OPTIONAL}</p>
      </Result>
    );
  }
  if (signIn.isIdle || signIn.isPending || (needMeeting && meeting.isPending)) {
    return (
      <section className="m-card m-mt-result" role="status" aria-live="polite">
        <div className="m-mt-result-icon" aria-hidden>
          <LoadingOutlined style={{ color: '#c8102e' }} />
        </div>
        <h1 className="m-mt-result-title">正在签到…</h1>
      </section>
    );
  }
  if (signIn.isSuccess) {
    return (
      <Result tone="success" title="签到成功" actions={<>{toMeeting}{toList}</>}>
        {title}
        <p className="m-mt-result-time" data-testid="signed-at">
          签到时间：{formatDateTime(signIn.data.signedAt, true)}
        </p>
      </Result>
    );
  }

  // already in (this code again, or an old code after signing in): a success, not a failure
  const already = signedLine(d);
  if (code === 'SIGNIN_DUPLICATE' || (already && (code === 'SIGNIN_TOKEN_INVALID' || code === 'SIGNIN_CLOSED'))) {
    return (
      <Result tone="info" title="已签到" actions={<>{toMeeting}{toList}</>}>
        {title}
        <p>您已签到，无需重复签到。</p>
        {already && <p className="m-mt-result-time">{already}</p>}
      </Result>
    );
  }
  // the server's message as a sentence of ours (it carries no final stop)
  const message = signIn.error ? errorMessage(signIn.error).replace(/[。.]$/, '') : '';
  switch (code) {
    case 'SIGNIN_TOKEN_INVALID': {
      const expired = message.includes('过期');
      return (
        <Result tone="warning" title={expired ? '签到码已过期' : '签到码无效'} actions={toMeeting}>
          {title}
          <p>{expired ? '二维码每分钟更新一次，这个签到码已经失效。' : '这个签到码不是本次会议的有效签到码。'}请重新扫描会场展示的二维码（不要使用截图或转发的二维码）。</p>
          <p className="m-mt-result-note">{OPTIONAL}</p>
        </Result>
      );
    }
    case 'SIGNIN_CLOSED': {
      const w = d?.signInWindow;
      const late = w ? Date.now() > new Date(w.closesAt).getTime() : false;
      return (
        <Result tone="wait" title={late ? '签到已结束' : '还没有到签到时间'} actions={toMeeting}>
          {title}
          <p>
            {w ? `本次会议的签到时间为 ${shortDateTime(w.opensAt)} 至 ${clock(w.closesAt)}。` : '签到只在会议召开期间开放。'}
            {late ? '' : '请到签到时间后重新扫描会场二维码。'}
          </p>
          <p className="m-mt-result-note">{OPTIONAL}</p>
        </Result>
      );
    }
    case 'SIGNIN_NOT_EXPECTED':
      return (
        <Result tone="error" title="不在参会名单中" actions={toList}>
          {title}
          <p>您不在本次会议的参会名单中，无需签到。如需参会，请联系会议记录人。</p>
        </Result>
      );
    case 'MINUTES_LOCKED':
      return (
        <Result tone="error" title="签到已结束" actions={toMeeting}>
          <p>本次会议的记录已由主持人和记录人确认，不能再签到。出席情况如有出入，请联系支部书记。</p>
        </Result>
      );
    case 'MEETING_STATE':
      return (
        <Result tone="error" title="无法签到" actions={toMeeting}>
          <p>{message}。</p>
        </Result>
      );
    case 'NOT_FOUND':
      // no such meeting here, or an account without a member record (an officer's)
      return message.includes('党员档案') ? (
        <Result tone="error" title="无法签到" actions={toList}>
          <p>{message}。</p>
        </Result>
      ) : (
        <Result tone="error" title="未找到会议" actions={toList}>
          <p>{message}。请重新扫描会场展示的二维码；如仍然失败，请联系会议记录人。</p>
        </Result>
      );
    case 'VALIDATION_FAILED':
      return (
        <Result tone="error" title="签到码无效" actions={toList}>
          <p>二维码内容不完整。请重新扫描会场展示的二维码；如仍然失败，请联系会议记录人。</p>
        </Result>
      );
    default:
      return (
        <Result
          tone="error"
          title="签到没有完成"
          actions={
            <Button type="primary" className="m-action" onClick={() => mutate(token)}>
              重新签到
            </Button>
          }
        >
          <p>{message}。请检查网络后点击“重新签到”；如仍然失败，请联系会议记录人登记出席。</p>
        </Result>
      );
  }
}
