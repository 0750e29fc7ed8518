import { Foundation1764100000000 } from './1764100000000-foundation';
import { Notifications1764100001000 } from './1764100001000-notifications';
import { Workflows1764100002000 } from './1764100002000-workflows';
import { Accounts1764100013000 } from './1764100013000-accounts';
import { Webhooks1764100014000 } from './1764100014000-webhooks';
import { OidcIdentity1764900000000 } from './1764900000000-oidc-identity';
import { NotificationScope1765000000000 } from './1765000000000-notification-scope';
import { Email1765100000000 } from './1765100000000-email';
import { NotificationRuleNameAndDesktop1765200000000 } from './1765200000000-notification-rule-name-and-desktop';
import { SelfProtection1765300000000 } from './1765300000000-self-protection';
import { ListIndexes1765500000000 } from './1765500000000-list-indexes';
import { Backtest1765400000000 } from './1765400000000-backtest';
import { UserSettings1765600000000 } from './1765600000000-user-settings';
import { OpsDashboard1765700000000 } from './1765700000000-ops-dashboard';
import { HistoryRuleNameSearch1765800000000 } from './1765800000000-history-rule-name-search';
import { CaseSearchText1765900000000 } from './1765900000000-case-search-text';

/** Every migration, in order. Listed explicitly so ESM tests and the compiled server load the same set. */
export const MIGRATIONS = [
  Foundation1764100000000, Notifications1764100001000, Workflows1764100002000, Accounts1764100013000, Webhooks1764100014000,
  OidcIdentity1764900000000, NotificationScope1765000000000, Email1765100000000,
  NotificationRuleNameAndDesktop1765200000000, SelfProtection1765300000000, Backtest1765400000000, ListIndexes1765500000000,
  UserSettings1765600000000,
  OpsDashboard1765700000000, HistoryRuleNameSearch1765800000000, CaseSearchText1765900000000,
];
