import { PageHeader } from '../../components/PageHeader';
import { PasswordCard } from './PasswordCard';
import { TwoFactorCard } from './TwoFactorCard';

export function SecurityPage() {
  return (
    <div className="page">
      <PageHeader title="Security" subtitle="Sign-in protection for your account." />
      <TwoFactorCard />
      <PasswordCard />
    </div>
  );
}
