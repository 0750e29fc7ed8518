import { Routes } from '@angular/router';
import { roleGuard, signedInGuard, signedOutGuard } from './auth/auth.guards';
import { passwordChangeGuard } from './auth/password-change.guard';
import { leaveRuleEditorGuard } from './workflows/rule-editor/leave-rule-editor.guard';

export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in',
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth/login.page').then((m) => m.LoginPage),
  },
  {
    path: 'login/callback',
    title: 'Signing in',
    loadComponent: () => import('./auth/sso-callback.page').then((m) => m.SsoCallbackPage),
  },
  {
    path: 'setup',
    title: 'Set up',
    loadComponent: () => import('./setup/setup.page').then((m) => m.SetupPage),
  },
  {
    path: 'change-password',
    title: 'Choose a new password',
    canActivate: [signedInGuard],
    loadComponent: () => import('./account/force-change-password.page').then((m) => m.ForceChangePasswordPage),
  },
  {
    path: '',
    canActivate: [signedInGuard, passwordChangeGuard],
    canActivateChild: [passwordChangeGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'cases' },
      {
        path: 'cases',
        title: 'Cases',
        loadComponent: () => import('./cases/case-list.page').then((m) => m.CaseListPage),
      },
      {
        path: 'cases/:id',
        title: 'Case',
        loadComponent: () => import('./cases/case-detail.page').then((m) => m.CaseDetailPage),
      },
      {
        path: 'workflows',
        canActivate: [roleGuard('ADMIN')],
        children: [
          {
            path: '',
            title: 'Workflow rules',
            loadComponent: () => import('./workflows/rule-list.page').then((m) => m.RuleListPage),
          },
          {
            path: 'rules/new',
            title: 'New rule',
            canDeactivate: [leaveRuleEditorGuard],
            loadComponent: () => import('./workflows/rule-editor/rule-editor.page').then((m) => m.RuleEditorPage),
          },
          {
            path: 'rules/:id',
            title: 'Edit rule',
            canDeactivate: [leaveRuleEditorGuard],
            loadComponent: () => import('./workflows/rule-editor/rule-editor.page').then((m) => m.RuleEditorPage),
          },
          {
            path: 'templates',
            title: 'Rule templates',
            loadComponent: () => import('./workflows/templates/template-gallery.page').then((m) => m.TemplateGalleryPage),
          },
          {
            path: 'events/:eventId/trace',
            title: 'Why did it (not) run?',
            loadComponent: () => import('./workflows/event-trace.page').then((m) => m.EventTracePage),
          },
        ],
      },
      {
        path: 'dead-letters',
        title: 'Dead letters',
        canActivate: [roleGuard('ADMIN')],
        loadComponent: () => import('./workflows/dead-letters/dead-letters.page').then((m) => m.DeadLettersPage),
      },
      {
        path: 'history',
        title: 'Workflow history',
        canActivate: [roleGuard('ADMIN')],
        loadComponent: () => import('./history/history.page').then((m) => m.HistoryPage),
      },
      {
        path: 'webhooks',
        title: 'Webhooks',
        canActivate: [roleGuard('ADMIN')],
        loadComponent: () => import('./webhooks/webhooks.page').then((m) => m.WebhooksPage),
      },
      {
        path: 'email',
        title: 'E-mail deliveries',
        canActivate: [roleGuard('ADMIN')],
        loadComponent: () => import('./email/email-deliveries.page').then((m) => m.EmailDeliveriesPage),
      },
      {
        path: 'users',
        title: 'Users',
        canActivate: [roleGuard('ADMIN')],
        loadComponent: () => import('./users/users.page').then((m) => m.UsersPage),
      },
      {
        path: 'audit',
        title: 'Audit log',
        canActivate: [roleGuard('ADMIN')],
        loadComponent: () => import('./audit/audit.page').then((m) => m.AuditPage),
      },
      {
        path: 'account',
        title: 'Account',
        loadComponent: () => import('./account/account.page').then((m) => m.AccountPage),
      },
      {
        path: 'settings',
        title: 'Settings',
        loadComponent: () => import('./settings/settings.page').then((m) => m.SettingsPage),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
