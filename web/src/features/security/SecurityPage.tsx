import { PageHeader } from '../../components/PageHeader';
import { useAuth } from '../auth/auth-context';
import { BackupCodesCard } from './BackupCodesCard';
import { PasswordCard } from './PasswordCard';
import { SessionsCard } from './SessionsCard';
import { TwoFactorCard } from './TwoFactorCard';

export function SecurityPage() {
  const { me } = useAuth();
  if (me?.must_change_password) {
    return (
      <div className="page">
        <PageHeader title="Choose a new password" subtitle="Your account was set up with a temporary password. Choose your own to continue." />
        <PasswordCard />
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader title="Security" subtitle="Sign-in protection for your account." />
      <TwoFactorCard />
      <BackupCodesCard />
      <SessionsCard />
      <PasswordCard />
    </div>
  );
}
