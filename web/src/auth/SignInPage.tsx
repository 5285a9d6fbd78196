/**
 * 登录: password sign-in, the first sign-in's new password (admin-created accounts start with a temporary
 * one), and a forgotten password reset with the emailed code. Cognito does the checking; this page only asks.
 */
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useLang } from '../i18n';
import { LangSwitch } from '../layout/LangSwitch';
import { homeOf, useAuth } from './AuthContext';
import { authErrorText, confirmForgotPassword, forgotPassword, setNewPassword, signIn } from './session';

type Step =
  | { kind: 'password' }
  | { kind: 'new-password'; username: string; challengeSession: string }
  | { kind: 'forgot' }
  | { kind: 'reset'; username: string; destination: string };
/** A notice in both languages: the page stays as it is when the language switches, and the notice follows. */
type Words = [zh: string, en: string];

export default function SignInPage() {
  const { me, refresh } = useAuth();
  const { t, lang } = useLang();
  const navigate = useNavigate();
  const location = useLocation();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<Words>();
  const [busy, setBusy] = useState(false);
  if (me) return <Navigate to={(location.state as { from?: string } | null)?.from ?? homeOf(me)} replace />;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const done = async () => {
    await refresh();
    navigate((location.state as { from?: string } | null)?.from ?? '/', { replace: true });
  };
  const required = (zh: string, en: string) => [{ required: true, message: t(zh, en) }];

  return (
    <main style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', background: '#f0f2f5' }}>
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <LangSwitch />
      </div>
      <Card style={{ width: 400, maxWidth: '92vw' }}>
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          {t('无传销创建工作平台', 'Pyramid-selling-free campaign')}
        </Typography.Title>
        {notice && <Alert type="success" title={t(...notice)} showIcon style={{ marginBottom: 16 }} />}
        {error !== undefined && (
          <Alert type="error" title={authErrorText(error, lang)} showIcon role="alert" style={{ marginBottom: 16 }} />
        )}
        {step.kind === 'password' && (
          <Form layout="vertical" onFinish={(v: { username: string; password: string }) =>
            run(async () => {
              const out = await signIn(v.username.trim(), v.password);
              if (out.kind === 'new-password') {
                setNotice(['首次登录，请设置新密码', 'First sign-in: please set a new password']);
                setStep({ kind: 'new-password', username: out.username, challengeSession: out.challengeSession });
              } else await done();
            })}>
            <Form.Item label={t('用户名', 'User name')} name="username" rules={required('请输入用户名', 'Enter your user name')}>
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item label={t('密码', 'Password')} name="password" rules={required('请输入密码', 'Enter your password')}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('登录', 'Sign in')}
            </Button>
            <Button type="link" block onClick={() => { setError(undefined); setStep({ kind: 'forgot' }); }}>
              {t('忘记密码', 'Forgot password')}
            </Button>
          </Form>
        )}
        {step.kind === 'new-password' && (
          <Form layout="vertical" onFinish={(v: { newPassword: string }) =>
            run(async () => {
              await setNewPassword(step.username, step.challengeSession, v.newPassword);
              await done();
            })}>
            <Form.Item label={t('新密码', 'New password')} name="newPassword"
              rules={required('请输入新密码', 'Enter a new password')}>
              <Input.Password autoComplete="new-password" autoFocus />
            </Form.Item>
            <Form.Item label={t('确认新密码', 'Confirm new password')} name="confirm" dependencies={['newPassword']} rules={[
              ...required('请再次输入新密码', 'Enter the new password again'),
              ({ getFieldValue }) => ({
                validator: (_, value) => (value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('两次输入的密码不一致', 'The two passwords do not match')))),
              }),
            ]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('设置新密码并登录', 'Set new password and sign in')}
            </Button>
          </Form>
        )}
        {step.kind === 'forgot' && (
          <Form layout="vertical" onFinish={(v: { username: string }) =>
            run(async () => {
              const destination = await forgotPassword(v.username.trim());
              setNotice([`验证码已发送至 ${destination}`, `A verification code has been sent to ${destination}`]);
              setStep({ kind: 'reset', username: v.username.trim(), destination });
            })}>
            <Form.Item label={t('用户名', 'User name')} name="username" rules={required('请输入用户名', 'Enter your user name')}>
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('发送验证码', 'Send verification code')}
            </Button>
            <Button type="link" block onClick={() => setStep({ kind: 'password' })}>
              {t('返回登录', 'Back to sign-in')}
            </Button>
          </Form>
        )}
        {step.kind === 'reset' && (
          <Form layout="vertical" onFinish={(v: { code: string; password: string }) =>
            run(async () => {
              await confirmForgotPassword(step.username, v.code.trim(), v.password);
              setNotice(['密码已重置，请用新密码登录', 'Password reset: sign in with the new password']);
              setStep({ kind: 'password' });
            })}>
            <Form.Item label={t('验证码', 'Verification code')} name="code"
              rules={required('请输入验证码', 'Enter the verification code')}>
              <Input autoComplete="one-time-code" autoFocus />
            </Form.Item>
            <Form.Item label={t('新密码', 'New password')} name="password"
              rules={required('请输入新密码', 'Enter a new password')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('重置密码', 'Reset password')}
            </Button>
          </Form>
        )}
      </Card>
    </main>
  );
}
